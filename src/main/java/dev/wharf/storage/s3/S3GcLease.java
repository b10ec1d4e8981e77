package dev.wharf.storage.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.storage.GcLease;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The garbage collection lease of replicas sharing a bucket: the object {@code gc/lease} names its holder and when
 * it runs out. It is taken with a conditional write ({@code If-None-Match: *} when there is none, {@code If-Match}
 * on an expired one), so of two replicas that try at once exactly one gets it.
 */
final class S3GcLease implements GcLease {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Lease(String holder, long expiresAtMillis) {
    }

    private final S3Bucket bucket;
    private final String me;
    private volatile String heldEtag;

    S3GcLease(S3Bucket bucket) {
        this.bucket = bucket;
        this.me = hostName() + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    @Override
    public boolean tryAcquire(Duration validity) throws IOException {
        Optional<S3Bucket.Fetched> current = bucket.get(S3Layout.GC_LEASE);
        S3Bucket.Condition condition;
        if (current.isEmpty()) {
            condition = S3Bucket.Condition.ABSENT;
        } else {
            Lease lease = JSON.readValue(current.get().content(), Lease.class);
            if (lease.expiresAtMillis() > System.currentTimeMillis() && !lease.holder().equals(me)) {
                return false;
            }
            condition = S3Bucket.Condition.matching(current.get().etag());
        }
        try {
            heldEtag = bucket.put(S3Layout.GC_LEASE, leaseFor(validity), condition);
            return true;
        } catch (S3Bucket.PreconditionFailedException e) {
            return false; // another replica took it in between
        }
    }

    private byte[] leaseFor(Duration validity) throws IOException {
        return JSON.writeValueAsBytes(new Lease(me, Instant.now().plus(validity).toEpochMilli()));
    }

    @Override
    public void renew(Duration validity) throws IOException {
        String etag = heldEtag;
        if (etag != null) {
            heldEtag = bucket.put(S3Layout.GC_LEASE, leaseFor(validity), S3Bucket.Condition.matching(etag));
        }
    }

    @Override
    public void release() throws IOException {
        if (heldEtag != null) {
            heldEtag = null;
            bucket.delete(S3Layout.GC_LEASE);
        }
    }

    @Override
    public String holder() throws IOException {
        Optional<S3Bucket.Fetched> current = bucket.get(S3Layout.GC_LEASE);
        if (current.isEmpty()) {
            return "nobody";
        }
        Lease lease = JSON.readValue(current.get().content(), Lease.class);
        return lease.holder() + " until " + Instant.ofEpochMilli(lease.expiresAtMillis());
    }
}

package dev.wharf.storage.s3;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.wharf.storage.GcLease;
import org.junit.jupiter.api.Test;

/**
 * The store contract over s3proxy's filesystem backend, the stricter of the two about what S3 offers. It ignores
 * {@code If-None-Match} and {@code If-Match} on PUT (s3proxy 2.6.0, checked by {@code S3Stores}' probe), so what
 * rests on conditional writes (one collector at a time, a lost race between two writes of one upload) is tested
 * on S3Mock only. It also dates every incomplete multipart upload at the time of the listing, so the purge of
 * the ones a dead replica left is tested on S3Mock only.
 */
class S3ProxyStoreTest extends S3StoreContract {
    @Override
    protected S3Server server() {
        return S3Server.shared(S3Server.Kind.S3PROXY);
    }

    @Override
    protected boolean exclusiveLease() {
        return false;
    }

    @Override
    protected boolean reportsWhenUploadsBegan() {
        return false;
    }

    @Test
    void aStoreWithoutConditionalWritesIsFoundOutAndGetsNoSharedLease() {
        assertSame(GcLease.EXCLUSIVE_ROOT, storage.gcLease(), "the probe at open must find that s3proxy ignores If-None-Match");
    }
}

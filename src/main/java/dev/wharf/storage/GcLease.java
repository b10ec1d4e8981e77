package dev.wharf.storage;

import java.io.IOException;
import java.time.Duration;

/**
 * Who may run garbage collection over a store. One process owns a filesystem root (its lock), so there the lease
 * is always granted; replicas over one bucket take a lease object in it, so that only one of them collects at a
 * time and a crashed one's lease runs out.
 */
public interface GcLease {
    GcLease EXCLUSIVE_ROOT = new GcLease() {
        @Override
        public boolean tryAcquire(Duration validity) {
            return true;
        }

        @Override
        public void renew(Duration validity) {
        }

        @Override
        public void release() {
        }

        @Override
        public String holder() {
            return "this process";
        }
    };

    /** Takes the lease for {@code validity} unless another holder has it; false when one does. */
    boolean tryAcquire(Duration validity) throws IOException;

    /** Extends a lease held (a long run renews it as it goes). */
    void renew(Duration validity) throws IOException;

    void release() throws IOException;

    /** Who holds it now, as far as this process knows (for the message that refuses a second run). */
    String holder() throws IOException;
}

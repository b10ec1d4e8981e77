package dev.wharf.storage;

/**
 * Hears how far a long walk over the store (garbage collection, verify, du) has come, so that a terminal can
 * show a progress line. Called from the one thread doing the walk.
 */
public interface Progress {
    /** Reports nothing: for the server and for scripts. */
    Progress NONE = new Progress() {
        @Override
        public void begin(String phase, String unit, long items, long bytes) {
        }

        @Override
        public void advance(long items, long bytes) {
        }

        @Override
        public void end() {
        }
    };

    /**
     * A phase starts that will go through {@code items} things (named {@code unit}: "blobs", "repositories")
     * of {@code bytes} bytes in all (0 if unknown).
     */
    void begin(String phase, String unit, long items, long bytes);

    /** That many more items and bytes are done. */
    void advance(long items, long bytes);

    /** The phase is over. */
    void end();
}

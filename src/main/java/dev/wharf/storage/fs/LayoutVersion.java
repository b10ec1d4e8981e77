package dev.wharf.storage.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/**
 * The version of the on-disk tree, in {@code layout.version} at the root. A root without the file was written
 * by a Wharf from before the file existed, whose tree is version 1, so it gets the file. A root written by a
 * newer layout is refused at start with a clear message rather than read wrongly (or worse, written to).
 */
public final class LayoutVersion {
    /** The layout this code reads and writes. Raise it with any change to {@link StorageLayout}'s tree. */
    public static final int CURRENT = 1;

    private LayoutVersion() {
    }

    /** Checks the root's version, writing the file when it is missing; throws when this code cannot use the root. */
    public static void check(StorageLayout layout, Durability durability) throws IOException {
        String text;
        try {
            text = Files.readString(layout.versionFile(), StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException absent) {
            durability.writeAtomically(layout.versionFile(), (CURRENT + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        int version;
        try {
            version = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IncompatibleLayoutException("the storage root " + layout.root() + " has an unreadable "
                    + layout.versionFile().getFileName() + " (\"" + abbreviate(text) + "\"); it is not a Wharf root, or it is damaged");
        }
        if (version > CURRENT) {
            throw new IncompatibleLayoutException("the storage root " + layout.root() + " was written by a newer Wharf (layout "
                    + version + "; this Wharf reads layout " + CURRENT + "). Run the newer version, or point storage.root elsewhere.");
        }
        if (version < 1) {
            throw new IncompatibleLayoutException("the storage root " + layout.root() + " declares layout " + version
                    + ", which no Wharf has written");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "...";
    }

    /** The root cannot be used by this version of Wharf. */
    public static final class IncompatibleLayoutException extends IllegalStateException {
        public IncompatibleLayoutException(String message) {
            super(message);
        }
    }
}

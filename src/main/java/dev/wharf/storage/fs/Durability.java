package dev.wharf.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The file-system moves that make a write crash-safe: write to a temp file, fsync it, rename it into
 * place, fsync the folder. With fsync off (throw-away caches) the renames stay atomic but a power cut may
 * lose the newest writes.
 */
public final class Durability {
    private final boolean fsync;
    private final Path tmpDir;

    public Durability(boolean fsync, Path tmpDir) {
        this.fsync = fsync;
        this.tmpDir = tmpDir;
    }

    public boolean fsyncEnabled() {
        return fsync;
    }

    public void force(FileChannel channel) throws IOException {
        if (fsync) {
            channel.force(false);
        }
    }

    public void syncFile(Path file) throws IOException {
        if (fsync) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
        }
    }

    public void syncDirectory(Path dir) throws IOException {
        if (fsync) {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    }

    /** Replaces {@code target} with {@code content} so that a reader sees the old or the new file, never a mix. */
    public void writeAtomically(Path target, byte[] content) throws IOException {
        writeAtomically(target, content, fsync);
    }

    /**
     * As {@link #writeAtomically(Path, byte[])}, but never synced: for state that must survive a process
     * restart (the page cache keeps it) but not a power cut, such as upload sessions.
     */
    public void writeAtomicallyUnsynced(Path target, byte[] content) throws IOException {
        writeAtomically(target, content, false);
    }

    private void writeAtomically(Path target, byte[] content, boolean sync) throws IOException {
        createDirectories(target.getParent());
        Files.createDirectories(tmpDir);
        Path tmp = tmpDir.resolve(UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (sync) {
                    ch.force(false);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (sync) {
            syncDirectory(target.getParent());
        }
    }

    /**
     * Creates a folder and any missing parents; with fsync on, each new folder's entry is synced into its
     * parent, so that a file renamed into it cannot vanish with its folder in a power cut.
     */
    public void createDirectories(Path dir) throws IOException {
        syncAll(createMissing(dir));
    }

    /** Creates an empty marker file; returns false if it was already there. */
    public boolean createLink(Path link) throws IOException {
        List<Path> changed = createMissing(link.getParent());
        try {
            Files.createFile(link);
        } catch (FileAlreadyExistsException e) {
            syncAll(changed);
            return false;
        }
        changed.add(link.getParent());
        syncAll(changed);
        return true;
    }

    /** Moves a finished file into place atomically, replacing what is there. */
    public void moveIntoPlace(Path source, Path target) throws IOException {
        List<Path> changed = createMissing(target.getParent());
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        changed.add(target.getParent());
        syncAll(changed);
    }

    /**
     * Creates the missing folders of {@code dir}, outermost first, without syncing; returns the folders whose
     * entries changed (the parent of each new folder), to be synced once the caller's own change is made too.
     * Changes first and syncs after, rather than a sync after each change: a journaling file system commits all
     * of them with the first sync, and the others find nothing left to do (on ext4 a push's three folder syncs
     * had cost three journal commits in a row). Every changed folder is still synced before the caller returns.
     */
    private List<Path> createMissing(Path dir) throws IOException {
        List<Path> changed = new ArrayList<>(3);
        createMissing(dir, changed);
        return changed;
    }

    private void createMissing(Path dir, List<Path> changed) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createMissing(parent, changed);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        if (parent != null) {
            changed.add(parent);
        }
    }

    /** Syncs the folders, innermost (last changed) first. */
    private void syncAll(List<Path> dirs) throws IOException {
        for (int i = dirs.size() - 1; i >= 0; i--) {
            syncDirectory(dirs.get(i));
        }
    }
}

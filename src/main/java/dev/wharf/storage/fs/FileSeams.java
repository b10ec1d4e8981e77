package dev.wharf.storage.fs;

/**
 * The places where the filesystem driver meets the disk in ways a test needs to break: opening upload files
 * for writing, and setting blob times. Production uses {@link #DIRECT}.
 */
public record FileSeams(WriteChannels writes, FileTimes times) {
    public static final FileSeams DIRECT = new FileSeams(WriteChannels.DIRECT, FileTimes.DIRECT);

    public FileSeams withWrites(WriteChannels channels) {
        return new FileSeams(channels, times);
    }

    public FileSeams withTimes(FileTimes fileTimes) {
        return new FileSeams(writes, fileTimes);
    }
}

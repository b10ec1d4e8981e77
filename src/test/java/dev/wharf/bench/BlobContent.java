package dev.wharf.bench;

import dev.wharf.oci.Digest;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A blob's bytes, generated on demand from a seed so that even a 1 GiB blob never sits in the client's memory.
 * Bytes come from a fixed random pool (a memory copy, far cheaper than a random generator on the hot path);
 * every 64 KiB block starts with the seed and the block number, so no two seeds give equal blobs and no
 * registry can skip a push by deduplication.
 */
record BlobContent(long seed, long size, String digest) {
    static final int BLOCK = 64 * 1024;
    private static final byte[] POOL = new byte[4 * 1024 * 1024 + 13];
    private static final AtomicLong SEEDS = new AtomicLong(1);

    static {
        new SplittableRandom(20261125L).nextBytes(POOL);
    }

    /** A new blob, its digest computed now so that hashing stays out of any timed section. */
    static BlobContent random(long size) {
        long seed = SEEDS.getAndIncrement();
        return new BlobContent(seed, size, sha256(seed, size));
    }

    /** {@code count} new blobs of one size, hashed in parallel. */
    static List<BlobContent> random(int count, long size) {
        List<Long> seeds = IntStream.range(0, count).mapToObj(i -> SEEDS.getAndIncrement()).toList();
        return seeds.parallelStream().map(seed -> new BlobContent(seed, size, sha256(seed, size))).toList();
    }

    /** The bytes at {@code [offset, offset + length)}, in a fresh buffer the HTTP client may keep. */
    Buffer chunk(long offset, int length) {
        byte[] bytes = new byte[length];
        fill(seed, offset, bytes);
        return Buffer.buffer(bytes);
    }

    private static void fill(long seed, long offset, byte[] dst) {
        int start = (int) Math.floorMod(offset + seed * 104_729L, (long) POOL.length);
        for (int i = 0; i < dst.length; ) {
            int n = Math.min(dst.length - i, POOL.length - start);
            System.arraycopy(POOL, start, dst, i, n);
            i += n;
            start = 0;
        }
        for (long block = offset / BLOCK; block * BLOCK < offset + dst.length; block++) {
            stamp(dst, block * BLOCK - offset, seed);
            stamp(dst, block * BLOCK - offset + Long.BYTES, block);
        }
    }

    /** Writes {@code value} big-endian at {@code at} (relative to dst, possibly partly outside it). */
    private static void stamp(byte[] dst, long at, long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            long pos = at + i;
            if (pos >= 0 && pos < dst.length) {
                dst[(int) pos] = (byte) (value >>> (56 - 8 * i));
            }
        }
    }

    private static String sha256(long seed, long size) {
        MessageDigest md = sha256();
        byte[] block = new byte[BLOCK];
        for (long offset = 0; offset < size; offset += BLOCK) {
            byte[] bytes = size - offset >= BLOCK ? block : new byte[(int) (size - offset)];
            fill(seed, offset, bytes);
            md.update(bytes);
        }
        return Digest.of(Digest.Algorithm.SHA256, md.digest()).toString();
    }

    static MessageDigest sha256() {
        return Digest.Algorithm.SHA256.newHasher();
    }
}

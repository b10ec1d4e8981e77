package dev.wharf.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SavableSha256Test {
    @Test
    void aHashCarriedOnFromItsWrittenStateEqualsTheJdksOverTheWhole() throws Exception {
        byte[] data = new byte[3_000_017];
        new Random(7).nextBytes(data);
        SavableSha256 first = new SavableSha256();
        first.update(data, 0, 1_000_003); // not on a 64-byte block boundary: the state holds a partial block
        SavableSha256 second = SavableSha256.restore(first.state());
        second.update(java.nio.ByteBuffer.wrap(data, 1_000_003, 1_500_000));
        SavableSha256 third = SavableSha256.restore(second.state());
        third.update(data, 2_500_003, data.length - 2_500_003);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), third.digest());
    }

    @Test
    void aCloneGoesOnAloneAndAnEmptyStateIsAFreshHash() throws Exception {
        SavableSha256 h = SavableSha256.restore("");
        h.update(new byte[] {1, 2, 3});
        SavableSha256 copy = (SavableSha256) h.clone();
        h.update(new byte[] {4});
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3}), copy.digest());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3, 4}), h.digest());
    }
}

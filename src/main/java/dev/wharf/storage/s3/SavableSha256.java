package dev.wharf.storage.s3;

import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.digests.EncodableDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * SHA-256 whose running state can be written down and taken up again by another process: an upload's PATCHes may
 * land on different replicas, and each one must go on hashing where the last stopped, never re-read what came
 * before. The JDK's digests cannot be serialized; Bouncy Castle's {@link SHA256Digest} can
 * ({@link EncodableDigest#getEncodedState()}). A {@link MessageDigest}, so that callers (the upload finish, the
 * pull-through cache's early check) treat it as any other hasher.
 */
final class SavableSha256 extends MessageDigest implements Cloneable {
    private SHA256Digest digest;

    SavableSha256() {
        super("SHA-256");
        this.digest = new SHA256Digest();
    }

    private SavableSha256(SHA256Digest digest) {
        super("SHA-256");
        this.digest = digest;
    }

    /** The hasher whose state {@link #state()} wrote; empty text: a fresh one. */
    static SavableSha256 restore(String state) {
        if (state == null || state.isEmpty()) {
            return new SavableSha256();
        }
        return new SavableSha256(new SHA256Digest(Base64.getDecoder().decode(state)));
    }

    /** The state as text, to keep in the upload's state object. */
    String state() {
        return Base64.getEncoder().encodeToString(digest.getEncodedState());
    }

    @Override
    protected void engineUpdate(byte input) {
        digest.update(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        digest.update(input, offset, len);
    }

    @Override
    protected void engineUpdate(java.nio.ByteBuffer input) {
        if (input.hasArray()) {
            int n = input.remaining();
            digest.update(input.array(), input.arrayOffset() + input.position(), n);
            input.position(input.position() + n);
        } else {
            super.engineUpdate(input);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }

    @Override
    protected void engineReset() {
        digest.reset();
    }

    @Override
    protected int engineGetDigestLength() {
        return 32;
    }

    @Override
    public Object clone() {
        return new SavableSha256(new SHA256Digest(digest));
    }
}

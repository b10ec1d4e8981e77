package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceTest {

    @Test
    void tagIsParsedAsATag() {
        Reference r = Reference.parse("v1.2.3-rc_1");
        assertFalse(r.isDigest());
        assertEquals("v1.2.3-rc_1", r.tag().value());
    }

    @Test
    void digestIsParsedAsADigest() {
        Reference r = Reference.parse("sha256:" + "0".repeat(64));
        assertTrue(r.isDigest());
    }

    @Test
    void tagsAreAtMost128CharactersOfTheGrammar() {
        Reference.parse("a".repeat(128));
        assertEquals(ErrorCode.TAG_INVALID, assertThrows(RegistryException.class, () -> Reference.parse("a".repeat(129))).code());
        assertEquals(ErrorCode.TAG_INVALID, assertThrows(RegistryException.class, () -> Reference.parse(".hidden")).code());
        assertEquals(ErrorCode.TAG_INVALID, assertThrows(RegistryException.class, () -> Reference.parse("-dash")).code());
    }
}

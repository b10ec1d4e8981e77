package dev.wharf.oci;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "library/ubuntu", "team/app/api", "a.b_c__d-e--f/g0", "0/1/2"})
    void namesOfTheGrammarAreAccepted(String name) {
        assertEquals(name, RepositoryName.parse(name).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "a/..", "./a", "A", "a//b", "/a", "a/", "a..b", "a___b", "_a", "a-", "a%2fb", "a\\b", "a b"})
    void namesOutsideTheGrammarAreNameInvalid(String name) {
        RegistryException e = assertThrows(RegistryException.class, () -> RepositoryName.parse(name));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
    }

    @Test
    void nameOf255CharactersIsTheLongestAccepted() {
        RepositoryName.parse("a".repeat(255));
        assertThrows(RegistryException.class, () -> RepositoryName.parse("a".repeat(256)));
    }
}

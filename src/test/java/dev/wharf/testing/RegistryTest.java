package dev.wharf.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of endpoint suites that share one registry with the default configuration per test class. */
public abstract class RegistryTest {
    protected static TestRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }
}

package dev.wharf.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExternalClientTest {
    private static final String MISSING = "wharf-no-such-client";

    @AfterEach
    void clearRequireFlag() {
        System.clearProperty(ExternalClient.REQUIRE_PROPERTY);
    }

    @Test
    void missingClientSkipsTheTestWithTheInstallCommand() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> ExternalClient.require(MISSING));
        assertTrue(skipped.getMessage().contains(MISSING + " not installed: apt-get install " + MISSING),
                skipped.getMessage());
    }

    @Test
    void missingClientFailsTheTestWhenClientsAreRequired() {
        System.setProperty(ExternalClient.REQUIRE_PROPERTY, "true");
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> ExternalClient.require(MISSING));
        assertTrue(failed.getMessage().contains("apt-get install " + MISSING), failed.getMessage());
    }

    @Test
    void runCapturesStdoutAndStderrSeparately() {
        ExternalClient.Result result = ExternalClient.require("sh")
                .withEnvironment(Map.of("WHARF_GREETING", "hello"))
                .run("-c", "echo \"$WHARF_GREETING\"; echo oops >&2");
        assertEquals(0, result.exitCode());
        assertEquals("hello\n", result.stdout());
        assertEquals("oops\n", result.stderr());
    }

    @Test
    void nonZeroExitFailsTheTestShowingWhatTheClientPrinted() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> ExternalClient.require("sh").run("-c", "echo partial; echo broken >&2; exit 3"));
        assertTrue(failed.getMessage().contains("exited 3"), failed.getMessage());
        assertTrue(failed.getMessage().contains("partial") && failed.getMessage().contains("broken"), failed.getMessage());
    }

    @Test
    void attemptReturnsAFailureInsteadOfFailing() {
        assertEquals(3, ExternalClient.require("sh").attempt("-c", "exit 3").exitCode());
    }

    @Test
    void clientStillRunningAtTheTimeoutIsKilledAndFailsTheTest() {
        long start = System.nanoTime();
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> ExternalClient.require("sh").withTimeout(Duration.ofMillis(300)).run("-c", "sleep 30"));
        assertTrue(failed.getMessage().contains("did not finish"), failed.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "killed, not waited for");
    }

    @Test
    void leadingArgumentsComeBeforeEachRunsArguments() {
        assertEquals("a b\n", ExternalClient.require("sh").withArguments("-c", "echo \"$0 $1\"").run("a", "b").stdout());
    }
}

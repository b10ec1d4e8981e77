package dev.wharf.conformance;

import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import dev.wharf.testing.ExternalClient;
import dev.wharf.testing.TempDirs;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OCI distribution-spec conformance suite ({@code ../shared/tools/oci-conformance/conformance.test}, built from
 * the spec's public source) against Wharf, all four workflows on, in four set-ups: automatic cross-repository
 * mounts on and off, Basic authentication, and the token service. Each run uses fresh repository names and must
 * pass every spec it does not skip by design: 75 passed, 0 failed (79 specs; 4 belong to the other setting of a
 * switch in any one run).
 */
@Tag("interop")
class OciConformanceTest {
    private static final Path SUITE = Path.of("../shared/tools/oci-conformance/conformance.test");
    private static final String USER = "conformance";
    private static final String PASSWORD = "conformance-secret";
    private static final int EXPECTED_PASSED = 75;

    private static Path dir;

    @BeforeAll
    static void makeDir() throws Exception {
        dir = Files.createTempDirectory("wharf-conformance-");
    }

    @AfterAll
    static void removeDir() {
        TempDirs.delete(dir);
    }

    /** What one run of the suite reported. */
    record Outcome(int passed, int failed, int skipped, List<String> failures, String output) {
        @Override
        public String toString() {
            return passed + " passed, " + failed + " failed, " + skipped + " skipped; failed: " + failures
                    + (failed > 0 ? "\n" + output : "");
        }
    }

    @Test
    void everySpecPassesWithAutomaticMountsOn() throws Exception {
        assertAllPass(run("{}\n", true, false));
    }

    @Test
    void everySpecPassesWithAutomaticMountsOff() throws Exception {
        assertAllPass(run("uploads:\n  automaticMount: false\n", false, false));
    }

    @Test
    void everySpecPassesBehindBasicAuthentication() throws Exception {
        assertAllPass(run(authYaml("basic"), true, true));
    }

    @Test
    void everySpecPassesBehindTheTokenService() throws Exception {
        assertAllPass(run(authYaml("token"), true, true));
    }

    private static String authYaml(String mode) throws Exception {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd-" + mode),
                USER + ":" + at.favre.lib.crypto.bcrypt.BCrypt.with(at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y)
                        .hashToString(4, PASSWORD.toCharArray()) + "\n");
        return "auth:\n  htpasswd: " + htpasswd + "\n  mode: " + mode + "\n";
    }

    private static void assertAllPass(Outcome outcome) {
        assertEquals(0, outcome.failed(), outcome::toString);
        assertEquals(List.of(), outcome.failures(), outcome::toString);
        assertEquals(EXPECTED_PASSED, outcome.passed(), outcome::toString);
    }

    /** Starts Wharf with {@code yaml} over the defaults, runs the suite against it, and reads its JUnit report. */
    private static Outcome run(String yaml, boolean automaticMount, boolean credentials) throws Exception {
        ExternalClient suite = ExternalClient.requireAt(SUITE,
                "the conformance suite belongs beside the project in ../shared/tools (see its README)");
        Path configFile = Files.writeString(Files.createTempFile(dir, "wharf", ".yaml"), yaml);
        WharfConfig loaded = ConfigLoader.load(configFile, Map.of());
        try (TestRegistry registry = TestRegistry.start(c -> new WharfConfig(c.http(), c.storage(), loaded.uploads(),
                c.manifests(), loaded.auth(), c.tls(), c.gc()))) {
            Path report = Files.createTempDirectory(dir, "report-");
            String run = UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> env = new HashMap<>();
            env.put("OCI_ROOT_URL", registry.baseUrl());
            env.put("OCI_NAMESPACE", "conformance/" + run + "/a");
            env.put("OCI_CROSSMOUNT_NAMESPACE", "conformance/" + run + "/b");
            env.put("OCI_TEST_PULL", "1");
            env.put("OCI_TEST_PUSH", "1");
            env.put("OCI_TEST_CONTENT_DISCOVERY", "1");
            env.put("OCI_TEST_CONTENT_MANAGEMENT", "1");
            env.put("OCI_AUTOMATIC_CROSSMOUNT", automaticMount ? "1" : "0");
            env.put("OCI_HIDE_SKIPPED_WORKFLOWS", "0");
            env.put("OCI_DEBUG", "0");
            env.put("OCI_REPORT_DIR", report.toString());
            if (credentials) {
                env.put("OCI_USERNAME", USER);
                env.put("OCI_PASSWORD", PASSWORD);
            }
            ExternalClient.Result result = suite.inDirectory(report).withEnvironment(env)
                    .withTimeout(Duration.ofMinutes(5)).attempt("--ginkgo.no-color");
            Path junit = report.resolve("junit.xml");
            assertTrue(Files.isRegularFile(junit), () -> "the suite wrote no report:\n" + result.describe());
            return read(junit, result.output());
        }
    }

    /** The suite's own summary line ("75 Passed | 0 Failed | 0 Pending | 4 Skipped"). */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) Passed \\| (\\d+) Failed \\| \\d+ Pending \\| (\\d+) Skipped");

    /** The counts from the suite's summary, the names of failed specs from its JUnit report. */
    private static Outcome read(Path junit, String output) throws Exception {
        Matcher summary = SUMMARY.matcher(output);
        assertTrue(summary.find(), () -> "no summary line in the suite's output:\n" + output);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(junit.toFile());
        NodeList cases = doc.getElementsByTagName("testcase");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            if (testCase.getElementsByTagName("failure").getLength() > 0 || testCase.getElementsByTagName("error").getLength() > 0) {
                failures.add(testCase.getAttribute("name"));
            }
        }
        return new Outcome(Integer.parseInt(summary.group(1)), Integer.parseInt(summary.group(2)),
                Integer.parseInt(summary.group(3)), failures, output);
    }
}

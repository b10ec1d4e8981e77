package dev.wharf.notify;

import dev.wharf.testing.Images;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signature header a receiver checks deliveries with, and the secrets that never reach the log. */
class WebhookSignatureTest {
    private static final String SECRET = "s3cr3t-webhook-key-0123";
    private static final String HEADER_TOKEN = "Bearer header-token-4567";
    private static final String URL_TOKEN = "url-token-89ab";

    @Test
    void theSignatureIsTheHmacOfTheExactBodyUnderTheSecretAndAbsentWithoutOne() throws Exception {
        try (WebhookReceiver signed = WebhookReceiver.start(); WebhookReceiver unsigned = WebhookReceiver.start();
             TestRegistry registry = Endpoints.registry(
                     Endpoints.to(signed.url("/signed")).named("signed").secret(SECRET),
                     Endpoints.to(unsigned.url("/unsigned")).named("unsigned"))) {
            Images.push(registry, "team/signed", "1", 1);

            WebhookReceiver.Request request = signed.awaitDelivered(1).get(0);
            String header = request.header("X-Wharf-Signature-256");
            assertEquals("sha256=" + hmacSha256(SECRET, request.body()), header);
            assertTrue(verifies(SECRET, request.body(), header));
            assertFalse(verifies("another-secret", request.body(), header), "another key does not verify");
            byte[] altered = request.text().replace("team/signed", "team/forged").getBytes(StandardCharsets.UTF_8);
            assertFalse(verifies(SECRET, altered, header), "an altered body does not verify");

            assertNull(unsigned.awaitDelivered(1).get(0).header("X-Wharf-Signature-256"));
        }
    }

    @Test
    void noSecretHeaderValueOrUrlTokenAppearsInTheLog() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            // refused (400, not retried) and then unreachable: both failures are logged, as is the start and the stop
            receiver.answer(n -> 400);
            try (TestRegistry registry = Endpoints.registry(Endpoints.to(receiver.url("/hook?token=" + URL_TOKEN)).named("ci")
                    .secret(SECRET).headers(Map.of("Authorization", HEADER_TOKEN)).maxRetries(0))) {
                Images.push(registry, "team/quiet", "1", 2);
                receiver.awaitRequests(1);
                assertEquals(HEADER_TOKEN, receiver.requests().get(0).header("Authorization"), "the configured header is sent");
                dev.wharf.testing.Poll.until("the refusal is logged", () -> captured.toString(StandardCharsets.UTF_8).contains("refused"));
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("webhook ci"), log);
        for (String secret : List.of(SECRET, HEADER_TOKEN, "header-token", URL_TOKEN)) {
            assertFalse(log.contains(secret), "the log holds " + secret + ":\n" + log);
        }
    }

    /** What a receiver does: recompute the HMAC over the body it got and compare in constant time. */
    private static boolean verifies(String secret, byte[] body, String header) throws Exception {
        byte[] expected = ("sha256=" + hmacSha256(secret, body)).getBytes(StandardCharsets.US_ASCII);
        return java.security.MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.US_ASCII));
    }

    private static String hmacSha256(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}

package dev.wharf.deploy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.wharf.auth.RepositoryPattern;
import dev.wharf.config.ConfigLoader;
import dev.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes/} (docs/kubernetes.md): every YAML document parses with the
 * YAML library Wharf itself uses, has what the API server requires, and the pieces fit together: the wharf.yaml in
 * each ConfigMap is loaded by Wharf's own {@link ConfigLoader} with the Deployment's environment, the probes, mounts,
 * selectors, resources and shutdown timing agree with it and with the measured memory, and the node-side containerd
 * files point at the registry the example pull secret logs in to. No cluster is needed.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("deploy", "kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Peak resident memory with the launcher's flags, docs/performance.md: filesystem driver 208-236 MiB. */
    private static final long FILESYSTEM_PEAK_MIB = 236;
    /** The same over S3 ("Over S3: ..."): 266-273 MiB. */
    private static final long S3_PEAK_MIB = 273;
    /** The limit is to leave at least this much above the peak (the docs promise about 60%). */
    private static final double LIMIT_HEADROOM = 1.5;

    /** Files of the filesystem variant's set that the S3 variant applies too (docs/kubernetes.md, apply order). */
    private static final List<String> SHARED = List.of("namespace.yaml", "secret-htpasswd.yaml", "service.yaml");

    /** What Wharf's image itself puts in the environment (docs/image.md, "What is in the image"). */
    private static final Map<String, String> IMAGE_ENV = Map.of("WHARF_STORAGE_ROOT", "/var/lib/wharf");

    private static final String WHARF_HOST = "wharf.internal:5000";
    private static final String NAMESPACE = "wharf";

    @TempDir
    Path tmp;

    record Manifest(Path file, JsonNode doc) {
        String kind() {
            return doc.path("kind").asText();
        }

        String name() {
            return doc.path("metadata").path("name").asText();
        }

        String namespace() {
            return doc.path("metadata").path("namespace").asText();
        }

        @Override
        public String toString() {
            return DIR.relativize(file) + ": " + kind() + "/" + name();
        }
    }

    /** One way to deploy: the documents applied together. */
    record Variant(String name, List<Manifest> manifests, long peakMiB) {
        Manifest one(String kind) {
            List<Manifest> found = all(kind);
            assertEquals(1, found.size(), name + " variant: exactly one " + kind + ", found " + found);
            return found.get(0);
        }

        List<Manifest> all(String kind) {
            return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
        }

        Manifest named(String kind, String name) {
            return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(this.name + " variant: no " + kind + " named " + name));
        }

        JsonNode podSpec() {
            return one("Deployment").doc().path("spec").path("template").path("spec");
        }

        JsonNode container() {
            JsonNode containers = podSpec().path("containers");
            assertEquals(1, containers.size(), name + ": one container in the pod");
            return containers.get(0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void everyManifestParsesAndHasTheKeysKubernetesNeeds() throws IOException {
        Map<String, String> apiVersions = Map.of("Namespace", "v1", "ConfigMap", "v1", "Secret", "v1", "Service", "v1",
                "PersistentVolumeClaim", "v1", "Pod", "v1", "Deployment", "apps/v1", "PodDisruptionBudget", "policy/v1");
        Pattern dnsName = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
        List<Manifest> all = manifests(DIR, true);
        assertTrue(all.size() >= 13, "expected the whole set of manifests, found " + all);
        for (Manifest m : all) {
            assertTrue(m.doc().isObject(), m.file() + ": a document that is not a mapping");
            String expectedVersion = apiVersions.get(m.kind());
            assertNotNull(expectedVersion, m + ": a kind this set does not expect: '" + m.kind() + "'");
            assertEquals(expectedVersion, m.doc().path("apiVersion").asText(), m + ": apiVersion");
            assertTrue(dnsName.matcher(m.name()).matches() && m.name().length() <= 63, m + ": metadata.name '" + m.name() + "'");
            if (m.kind().equals("Namespace")) {
                assertFalse(m.doc().path("metadata").has("namespace"), m + ": a Namespace has no namespace");
            } else if (m.file().startsWith(DIR.resolve("examples"))) {
                assertFalse(m.namespace().isEmpty(), m + ": metadata.namespace");
            } else {
                assertEquals(NAMESPACE, m.namespace(), m + ": metadata.namespace");
            }
            // the spec or data Kubernetes needs for each kind
            switch (m.kind()) {
                case "ConfigMap" -> assertTrue(m.doc().path("data").isObject(), m + ": data");
                case "Secret" -> assertTrue(m.doc().path("stringData").isObject() || m.doc().path("data").isObject(), m + ": data");
                case "Deployment" -> {
                    JsonNode spec = m.doc().path("spec");
                    assertTrue(spec.path("selector").path("matchLabels").isObject(), m + ": spec.selector.matchLabels");
                    assertTrue(spec.path("template").path("spec").path("containers").isArray(), m + ": containers");
                }
                case "Service" -> assertTrue(spec(m).path("ports").isArray() && spec(m).path("selector").isObject(),
                        m + ": ports, selector");
                case "PodDisruptionBudget" -> assertTrue(spec(m).has("minAvailable") ^ spec(m).has("maxUnavailable"),
                        m + ": exactly one of minAvailable and maxUnavailable");
                case "PersistentVolumeClaim" -> assertFalse(spec(m).path("resources").path("requests").path("storage").asText().isEmpty(),
                        m + ": spec.resources.requests.storage");
                default -> { }
            }
        }
        for (Variant v : variants()) {
            Set<String> kinds = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (Manifest m : v.manifests()) {
                kinds.add(m.kind());
                assertTrue(ids.add(m.kind() + "/" + m.namespace() + "/" + m.name()), v.name() + ": applied twice: " + m);
            }
            assertTrue(kinds.containsAll(Set.of("Namespace", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget")),
                    v.name() + " variant lacks a kind: " + kinds);
        }
        assertEquals("restricted", one(DIR, "Namespace").doc().path("metadata").path("labels")
                .path("pod-security.kubernetes.io/enforce").asText(), "the namespace enforces the restricted Pod Security profile");
    }

    @Test
    void theWharfYamlInEveryConfigMapIsLoadedByWharfsOwnConfigLoader() throws IOException {
        List<Manifest> configMaps = manifests(DIR, true).stream().filter(m -> m.kind().equals("ConfigMap")).toList();
        assertEquals(2, configMaps.size(), "a ConfigMap for each variant: " + configMaps);
        for (Manifest cm : configMaps) {
            String yaml = cm.doc().path("data").path("wharf.yaml").asText("");
            assertFalse(yaml.isBlank(), cm + ": data.wharf.yaml");
            WharfConfig alone = load(yaml, Map.of());
            assertNotNull(alone, cm.toString());
        }
        for (Variant v : variants()) {
            WharfConfig config = config(v);
            assertEquals(v.name().equals("s3") ? "s3" : "filesystem", config.storage().driver(), v.name() + ": storage.driver");
            assertTrue(config.auth().enabled(), v.name() + ": authentication on");
            assertFalse(config.tls().enabled(), v.name() + ": plain HTTP, as the probes and node files assume");
            // Wharf refuses a cache on S3 at load (config() above would have thrown): only the filesystem variant has one
            assertEquals(!v.name().equals("s3"), config.proxy().enabled(), v.name() + ": the pull-through cache the docker.io hosts.toml points at");
        }
    }

    @Test
    void aTypoInAConfigMapIsRefusedByTheLoader() throws IOException {
        // what the previous test relies on: the loader refuses what a hand-edited ConfigMap gets wrong
        String yaml = one(DIR, "ConfigMap").doc().path("data").path("wharf.yaml").asText();
        assertTrue(yaml.contains("shutdownTimeout: 30s"), "the filesystem ConfigMap sets http.shutdownTimeout");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(yaml.replace("shutdownTimeout: 30s", "shutdownTimout: 30s"), Map.of()));
        assertTrue(e.getMessage().contains("shutdownTimout"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(yaml.replace("shutdownTimeout: 30s", "shutdownTimeout: 30"), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> load(yaml.replace("driver: filesystem", "driver: s4"), Map.of()));
        String s3 = one(DIR.resolve("s3"), "ConfigMap").doc().path("data").path("wharf.yaml").asText();
        assertThrows(IllegalArgumentException.class, () -> load(s3.replace("bucket: wharf", "bucket: \"\""), Map.of()));
    }

    @Test
    void theProbesHitLivezAndReadyzOnTheContainerPort() throws IOException {
        for (Variant v : variants()) {
            WharfConfig config = config(v);
            JsonNode c = v.container();
            assertEquals(config.http().port(), port(c, "http"), v.name() + ": the container port is Wharf's http.port");
            assertEquals(5000, config.http().port(), v.name() + ": port 5000");
            Map<String, String> expected = Map.of("startupProbe", "/livez", "livenessProbe", "/livez", "readinessProbe", "/readyz");
            for (Map.Entry<String, String> probe : expected.entrySet()) {
                JsonNode get = c.path(probe.getKey()).path("httpGet");
                String where = v.name() + ": " + probe.getKey();
                assertTrue(get.isObject(), where + ".httpGet");
                assertEquals(probe.getValue(), get.path("path").asText(), where + " path");
                assertEquals(config.http().port(), resolvePort(c, get.path("port")), where + " port");
                assertEquals("HTTP", get.path("scheme").asText("HTTP"), where + " scheme (Wharf serves plain HTTP here)");
                assertFalse(get.has("httpHeaders"), where + ": no credentials: the health endpoints are never behind auth");
                assertTrue(c.path(probe.getKey()).path("periodSeconds").asInt(10) > 0, where + " period");
            }
        }
    }

    @Test
    void thePodsRunAsAFixedNonRootUserWithNothingToEscalate() throws IOException {
        for (Variant v : variants()) {
            JsonNode pod = v.podSpec().path("securityContext");
            JsonNode ctr = v.container().path("securityContext");
            String w = v.name() + ": ";
            assertTrue(effective(pod, ctr, "runAsNonRoot").asBoolean(false), w + "runAsNonRoot");
            JsonNode uid = effective(pod, ctr, "runAsUser");
            assertTrue(uid.isInt() && uid.asInt() > 0, w + "a fixed non-root runAsUser, not " + uid);
            assertEquals(uid.asInt(), pod.path("fsGroup").asInt(-1), w + "fsGroup: the volumes are the user's group's");
            assertFalse(ctr.path("allowPrivilegeEscalation").asBoolean(true), w + "allowPrivilegeEscalation: false");
            assertTrue(ctr.path("readOnlyRootFilesystem").asBoolean(false), w + "readOnlyRootFilesystem");
            assertFalse(ctr.path("privileged").asBoolean(false), w + "not privileged");
            assertEquals(List.of("ALL"), texts(ctr.path("capabilities").path("drop")), w + "capabilities.drop [ALL]");
            assertTrue(ctr.path("capabilities").path("add").isMissingNode(), w + "no capability added");
            assertEquals("RuntimeDefault", effective(pod, ctr, "seccompProfile").path("type").asText(), w + "seccomp RuntimeDefault");
            assertFalse(v.podSpec().path("automountServiceAccountToken").asBoolean(true), w + "no API token mounted");
            assertFalse(v.podSpec().path("enableServiceLinks").asBoolean(true),
                    w + "no service links: the Service named wharf would put WHARF_* variables in the environment");
            assertFalse(v.podSpec().path("hostNetwork").asBoolean(false), w + "no host network");
        }
    }

    @Test
    void theResourcesCoverTheMeasuredMemoryWithHeadroom() throws IOException {
        for (Variant v : variants()) {
            JsonNode res = v.container().path("resources");
            String w = v.name() + ": ";
            long memRequest = bytes(res.path("requests").path("memory").asText());
            long memLimit = bytes(res.path("limits").path("memory").asText());
            long cpuRequest = millicores(res.path("requests").path("cpu").asText());
            assertTrue(memRequest > 0 && memLimit > 0 && cpuRequest > 0, w + "memory request and limit, cpu request: " + res);
            assertTrue(memRequest <= memLimit, w + "memory request <= limit");
            if (res.path("limits").has("cpu")) {
                assertTrue(cpuRequest <= millicores(res.path("limits").path("cpu").asText()), w + "cpu request <= limit");
            }
            long peak = v.peakMiB() << 20;
            assertTrue(memRequest >= peak, w + "the memory request (" + (memRequest >> 20) + " MiB) covers the measured peak of "
                    + v.peakMiB() + " MiB");
            assertTrue(memLimit >= (long) (peak * LIMIT_HEADROOM), w + "the memory limit (" + (memLimit >> 20)
                    + " MiB) leaves headroom over the measured peak of " + v.peakMiB() + " MiB");
            // the figures were measured with 4 event loops; more would take more memory than measured
            assertEquals(4, config(v).http().eventLoops(), w + "http.eventLoops pinned to the measured 4");
        }
    }

    @Test
    void theDrainFitsInTheTerminationGracePeriod() throws IOException {
        for (Variant v : variants()) {
            String w = v.name() + ": ";
            long shutdown = config(v).http().shutdownTimeoutDuration().toSeconds();
            JsonNode preStop = v.container().path("lifecycle").path("preStop");
            long sleep = preStop.path("sleep").path("seconds").asLong(-1);
            assertTrue(sleep >= 5, w + "a preStop sleep of some seconds, so endpoints are updated before SIGTERM: " + preStop);
            long grace = v.podSpec().path("terminationGracePeriodSeconds").asLong(30);
            // WharfServer.stop waits up to shutdownTimeout + 1 s, then closes the store; leave it 5 s more
            assertTrue(grace >= sleep + shutdown + 6, w + "terminationGracePeriodSeconds " + grace + " covers preStop " + sleep
                    + " s + http.shutdownTimeout " + shutdown + " s + closing");
        }
    }

    @Test
    void theVolumesAreMountedWhereWharfLooks() throws IOException {
        for (Variant v : variants()) {
            String w = v.name() + ": ";
            WharfConfig config = config(v);
            JsonNode c = v.container();
            Map<String, JsonNode> mounts = new LinkedHashMap<>();
            c.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m));
            Map<String, JsonNode> volumes = new LinkedHashMap<>();
            v.podSpec().path("volumes").forEach(vol -> volumes.put(vol.path("name").asText(), vol));

            // data
            JsonNode data = mounts.get("/var/lib/wharf");
            assertNotNull(data, w + "a volume at /var/lib/wharf: " + mounts.keySet());
            assertEquals("/var/lib/wharf", config.storage().root(), w + "storage.root is the mount");
            assertEquals("/var/lib/wharf", load(wharfYaml(v), Map.of()).storage().root(),
                    w + "the ConfigMap itself says so, not only the image's WHARF_STORAGE_ROOT");
            assertFalse(data.path("readOnly").asBoolean(false), w + "/var/lib/wharf writable");
            JsonNode dataVolume = volumes.get(data.path("name").asText());
            assertNotNull(dataVolume, w + "the volume of /var/lib/wharf is declared");
            if (config.storage().isS3()) {
                assertTrue(dataVolume.has("emptyDir"), w + "the local root is an emptyDir");
            } else {
                String claim = dataVolume.path("persistentVolumeClaim").path("claimName").asText();
                assertFalse(claim.isEmpty(), w + "the root is a PersistentVolumeClaim");
                JsonNode pvc = v.named("PersistentVolumeClaim", claim).doc();
                assertEquals(List.of("ReadWriteOnce"), texts(pvc.path("spec").path("accessModes")), w + "one node owns the root");
            }

            // config: the file --config names is in the mounted ConfigMap, the htpasswd file in the mounted Secret
            JsonNode cfgMount = mounts.get("/etc/wharf");
            assertNotNull(cfgMount, w + "a volume at /etc/wharf");
            assertTrue(cfgMount.path("readOnly").asBoolean(false), w + "/etc/wharf read-only");
            List<String> args = texts(c.path("args"));
            int at = args.indexOf("--config");
            assertTrue(at >= 0 && at + 1 < args.size(), w + "--config FILE in args: " + args);
            assertEquals("/etc/wharf/wharf.yaml", args.get(at + 1), w + "--config");
            JsonNode cfgVolume = volumes.get(cfgMount.path("name").asText());
            Map<String, String> files = projectedFiles(v, cfgVolume, "/etc/wharf");
            int mode = cfgVolume.path("projected").path("defaultMode").asInt(0644);
            assertTrue((mode & 0040) != 0 && (mode & 0002) == 0, w + "the config is readable by the pod's group, not world-writable: "
                    + Integer.toOctalString(mode));
            assertEquals("ConfigMap wharf-config/wharf.yaml", files.get("/etc/wharf/wharf.yaml"),
                    w + "wharf.yaml from the ConfigMap: " + files);
            String htpasswd = config.auth().htpasswd();
            assertTrue(files.containsKey(htpasswd), w + "auth.htpasswd " + htpasswd + " is a projected file: " + files);
            assertTrue(files.get(htpasswd).startsWith("Secret "), w + "auth.htpasswd comes from a Secret");

            // the read-only root file system leaves /tmp to a volume
            JsonNode tmpMount = mounts.get("/tmp");
            assertNotNull(tmpMount, w + "a writable /tmp");
            assertTrue(volumes.get(tmpMount.path("name").asText()).has("emptyDir"), w + "/tmp an emptyDir");
        }
    }

    @Test
    void theServiceAndTheBudgetSelectTheDeploymentsPods() throws IOException {
        for (Variant v : variants()) {
            String w = v.name() + ": ";
            Manifest deployment = v.one("Deployment");
            Map<String, String> podLabels = labels(deployment.doc().path("spec").path("template").path("metadata").path("labels"));
            Map<String, String> selector = labels(deployment.doc().path("spec").path("selector").path("matchLabels"));
            assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), w + "the Deployment selects its own pods");

            Manifest service = v.one("Service");
            Map<String, String> serviceSelector = labels(spec(service).path("selector"));
            assertFalse(serviceSelector.isEmpty(), w + "the Service has a selector");
            assertTrue(podLabels.entrySet().containsAll(serviceSelector.entrySet()),
                    w + "the Service " + serviceSelector + " selects the pods " + podLabels);
            JsonNode port = spec(service).path("ports").get(0);
            assertEquals(5000, port.path("port").asInt(), w + "the Service listens on 5000");
            assertEquals(5000, resolvePort(v.container(), port.path("targetPort")), w + "and sends to the container port");
            assertEquals(service.namespace(), deployment.namespace(), w + "same namespace");

            Manifest pdb = v.one("PodDisruptionBudget");
            Map<String, String> pdbSelector = labels(spec(pdb).path("selector").path("matchLabels"));
            assertFalse(pdbSelector.isEmpty(), w + "the PDB has a selector");
            assertTrue(podLabels.entrySet().containsAll(pdbSelector.entrySet()),
                    w + "the PDB " + pdbSelector + " selects the pods " + podLabels);
        }
    }

    @Test
    void theFilesystemVariantIsOneReplicaAndTheS3VariantSeveralWithoutAVolumeClaim() throws IOException {
        Variant fs = variant("filesystem");
        JsonNode fsSpec = spec(fs.one("Deployment"));
        assertEquals(1, fsSpec.path("replicas").asInt(), "filesystem: one replica (one owner per root)");
        assertEquals("Recreate", fsSpec.path("strategy").path("type").asText(),
                "filesystem: the old pod lets go of the lock and the volume before the new one starts");
        assertEquals(1, fs.all("PersistentVolumeClaim").size(), "filesystem: its PersistentVolumeClaim");

        Variant s3 = variant("s3");
        JsonNode s3Spec = spec(s3.one("Deployment"));
        int replicas = s3Spec.path("replicas").asInt(1);
        assertTrue(replicas > 1, "s3: several replicas, not " + replicas);
        assertTrue(s3.all("PersistentVolumeClaim").isEmpty(), "s3: no PersistentVolumeClaim in its set");
        s3.podSpec().path("volumes").forEach(vol ->
                assertFalse(vol.has("persistentVolumeClaim"), "s3: no volume claim in the pod: " + vol));
        assertEquals("RollingUpdate", s3Spec.path("strategy").path("type").asText("RollingUpdate"), "s3: rolling updates");
        assertEquals(0, s3Spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(-1), "s3: none down in a rollout");
        JsonNode pdb = spec(s3.one("PodDisruptionBudget"));
        boolean letsOneGo = pdb.has("maxUnavailable")
                ? pdb.path("maxUnavailable").asInt() >= 1
                : pdb.path("minAvailable").asInt() < replicas;
        assertTrue(letsOneGo, "s3: the PDB lets a drain take one replica at a time: " + pdb);

        // the keys come from a Secret through the two variables, and reach the configuration
        Map<String, String> env = new TreeMap<>();
        for (JsonNode e : s3.container().path("env")) {
            env.put(e.path("name").asText(), e.path("valueFrom").path("secretKeyRef").path("name").asText("(not from a Secret)"));
        }
        assertEquals(Map.of("WHARF_STORAGE_S3_ACCESS_KEY", "wharf-s3", "WHARF_STORAGE_S3_SECRET_KEY", "wharf-s3"), env,
                "s3: the access key and secret key from the Secret wharf-s3");
        WharfConfig config = config(s3);
        JsonNode secret = s3.named("Secret", "wharf-s3").doc().path("stringData");
        assertEquals(secret.path("accessKey").asText(), config.storage().s3().accessKey(), "s3: the access key reaches the config");
        assertEquals(secret.path("secretKey").asText(), config.storage().s3().secretKey(), "s3: the secret key reaches the config");
        assertFalse(config.storage().s3().bucket().isEmpty(), "s3: a bucket");
        WharfConfig withoutEnvironment = load(wharfYaml(s3), Map.of());
        assertTrue(withoutEnvironment.storage().s3().accessKey().isEmpty() && withoutEnvironment.storage().s3().secretKey().isEmpty(),
                "s3: no key in the ConfigMap itself");
    }

    @Test
    void theHtpasswdSecretHoldsBcryptEntriesThatThePullSecretLogsInWith() throws IOException {
        Variant fs = variant("filesystem");
        Map<String, String> users = new LinkedHashMap<>();
        String htpasswd = fs.named("Secret", "wharf-htpasswd").doc().path("stringData").path("htpasswd").asText();
        assertTrue(htpasswd.contains("EXAMPLE"), "the example htpasswd is marked as an example");
        for (String line : htpasswd.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = Pattern.compile("([^:\\s]+):(\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53})").matcher(t);
            assertTrue(m.matches(), "an htpasswd line that is not user:bcrypt-hash: " + t);
            users.put(m.group(1), m.group(2));
        }
        for (Variant v : variants()) {
            for (WharfConfig.Policy p : config(v).auth().policies()) {
                for (String user : p.users()) {
                    assertTrue(users.containsKey(user),
                            v.name() + ": the policies' user " + user + " is in the htpasswd Secret " + users.keySet());
                }
            }
        }

        List<Manifest> example = manifests(DIR.resolve("examples"), false);
        Manifest pullSecret = example.stream().filter(m -> m.kind().equals("Secret")).findFirst().orElseThrow();
        Manifest pod = example.stream().filter(m -> m.kind().equals("Pod")).findFirst().orElseThrow();
        assertEquals("kubernetes.io/dockerconfigjson", pullSecret.doc().path("type").asText(), "the pull secret's type");
        assertEquals(pod.namespace(), pullSecret.namespace(), "the pull secret is in the pod's namespace");
        assertEquals(List.of(pullSecret.name()), pod.doc().path("spec").path("imagePullSecrets").findValuesAsText("name"),
                "the pod names the pull secret");
        String image = pod.doc().path("spec").path("containers").get(0).path("image").asText();
        assertEquals(WHARF_HOST, image.substring(0, image.indexOf('/')), "the pod's image is on Wharf");

        JsonNode config = JSON.readTree(pullSecret.doc().path("stringData").path(".dockerconfigjson").asText());
        JsonNode entry = config.path("auths").path(WHARF_HOST);
        assertTrue(entry.isObject(), "the pull secret has an entry for " + WHARF_HOST + ": " + config.path("auths"));
        String user = entry.path("username").asText();
        String password = entry.path("password").asText();
        assertEquals(Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)),
                entry.path("auth").asText(), "auth is base64(username:password)");
        assertTrue(users.containsKey(user), "the pull secret's user " + user + " is in the htpasswd Secret");
        // verified as Wharf's UserStore verifies
        BCrypt.Verifyer bcrypt = BCrypt.verifyer(BCrypt.Version.VERSION_2Y, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y));
        assertTrue(bcrypt.verify(password.toCharArray(), users.get(user).toCharArray()).verified,
                "the pull secret's password matches the htpasswd entry of " + user);
        for (Variant v : variants()) {
            boolean pulls = config(v).auth().policies().stream().anyMatch(p -> p.users().contains(user)
                    && p.actions().contains("pull")
                    && p.repositories().stream().anyMatch(g -> RepositoryPattern.of(g).matches("team/app")));
            assertTrue(pulls, v.name() + ": a policy lets " + user + " pull team/app");
        }
    }

    @Test
    void theNodeFilesPointContainerdAtWharfAsARegistryAndAsADockerHubMirror() throws IOException {
        Map<String, Map<String, String>> registry = toml(DIR.resolve("node/registry-hosts.toml"));
        assertTrue(firstComment(DIR.resolve("node/registry-hosts.toml")).contains("/etc/containerd/certs.d/" + WHARF_HOST + "/hosts.toml"),
                "registry-hosts.toml says where it goes");
        assertEquals("\"http://" + WHARF_HOST + "\"", registry.get("").get("server"), "registry-hosts.toml: server");
        Map<String, String> host = registry.get("host.\"http://" + WHARF_HOST + "\"");
        assertNotNull(host, "registry-hosts.toml: [host.\"http://" + WHARF_HOST + "\"], sections " + registry.keySet());
        assertTrue(strings(host.get("capabilities")).containsAll(List.of("pull", "resolve", "push")), "registry host capabilities");

        Map<String, Map<String, String>> mirror = toml(DIR.resolve("node/docker.io-mirror-hosts.toml"));
        assertTrue(firstComment(DIR.resolve("node/docker.io-mirror-hosts.toml")).contains("/etc/containerd/certs.d/docker.io/hosts.toml"),
                "docker.io-mirror-hosts.toml says where it goes");
        assertEquals("\"https://registry-1.docker.io\"", mirror.get("").get("server"), "mirror: falls back to Docker Hub");
        Map<String, String> mirrorHost = mirror.get("host.\"http://" + WHARF_HOST + "\"");
        assertNotNull(mirrorHost, "mirror: [host.\"http://" + WHARF_HOST + "\"], sections " + mirror.keySet());
        assertEquals(List.of("pull", "resolve"), strings(mirrorHost.get("capabilities")), "mirror: pull and resolve only");

        Map<String, Map<String, String>> containerd = toml(DIR.resolve("node/containerd-config.toml"));
        Map<String, String> cri = containerd.get("plugins.\"io.containerd.grpc.v1.cri\".registry");
        assertNotNull(cri, "containerd-config.toml: the CRI registry section, sections " + containerd.keySet());
        assertEquals("\"/etc/containerd/certs.d\"", cri.get("config_path"), "containerd's config_path");

        // Wharf's side of the mirror: an upstream that containerd's ns=docker.io finds, pullable without credentials
        int servicePort = spec(variant("filesystem").one("Service")).path("ports").get(0).path("port").asInt();
        assertEquals(URI.create("http://" + WHARF_HOST).getPort(), servicePort, "the node files use the Service's port");
        for (Variant v : variants()) {
            if (v.name().equals("s3")) {
                continue; // no cache on S3: the nodes' mirror is the filesystem variant
            }
            WharfConfig config = config(v);
            assertTrue(config.proxy().all().stream().anyMatch(u -> u.name().equals("docker.io") && u.url().equals("https://registry-1.docker.io")),
                    v.name() + ": an upstream named docker.io at registry-1.docker.io: " + config.proxy().all());
            String cached = "docker.io/library/nginx";
            assertTrue(config.auth().anonymous().stream().anyMatch(g -> g.actions().contains("pull")
                            && g.repositories().stream().anyMatch(p -> RepositoryPattern.of(p).matches(cached))),
                    v.name() + ": anonymous pulls of the cache (" + cached + ") for the nodes");
            assertFalse(config.auth().anonymous().stream().anyMatch(g -> g.repositories().stream()
                    .anyMatch(p -> RepositoryPattern.of(p).matches("team/app"))), v.name() + ": pushed images need a login");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private List<Variant> variants() throws IOException {
        return List.of(variant("filesystem"), variant("s3"));
    }

    private Variant variant(String name) throws IOException {
        if (name.equals("filesystem")) {
            return new Variant(name, manifests(DIR, false), FILESYSTEM_PEAK_MIB);
        }
        List<Manifest> set = new ArrayList<>();
        for (String shared : SHARED) {
            set.addAll(read(DIR.resolve(shared)));
        }
        set.addAll(manifests(DIR.resolve("s3"), false));
        return new Variant(name, set, S3_PEAK_MIB);
    }

    /** The variant's wharf.yaml as Wharf loads it, with the environment of the image and of the Deployment. */
    private WharfConfig config(Variant v) throws IOException {
        Map<String, String> env = new TreeMap<>(IMAGE_ENV);
        for (JsonNode e : v.container().path("env")) {
            String var = e.path("name").asText();
            if (e.has("value")) {
                env.put(var, e.path("value").asText());
                continue;
            }
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            assertTrue(ref.isObject(), v.name() + ": env " + var + " is a value or a secretKeyRef");
            JsonNode secret = v.named("Secret", ref.path("name").asText()).doc();
            JsonNode value = secret.path("stringData").path(ref.path("key").asText());
            assertTrue(value.isTextual(), v.name() + ": env " + var + ": Secret " + ref + " has that key");
            env.put(var, value.asText());
        }
        return load(wharfYaml(v), env);
    }

    private static String wharfYaml(Variant v) {
        return v.named("ConfigMap", configMapOf(v)).doc().path("data").path("wharf.yaml").asText();
    }

    private static String configMapOf(Variant v) {
        for (JsonNode vol : v.podSpec().path("volumes")) {
            for (JsonNode src : vol.path("projected").path("sources")) {
                if (src.has("configMap")) {
                    return src.path("configMap").path("name").asText();
                }
            }
            if (vol.has("configMap")) {
                return vol.path("configMap").path("name").asText();
            }
        }
        throw new AssertionError(v.name() + ": no ConfigMap volume in the pod");
    }

    private WharfConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = Files.createTempFile(tmp, "wharf-", ".yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, env);
    }

    /** The files a projected volume mounted at {@code mountPath} holds: path to "Kind name/key", each checked to exist. */
    private static Map<String, String> projectedFiles(Variant v, JsonNode volume, String mountPath) {
        assertNotNull(volume, v.name() + ": the volume mounted at " + mountPath + " is declared");
        Map<String, String> files = new TreeMap<>();
        for (JsonNode src : volume.path("projected").path("sources")) {
            String kind = src.has("configMap") ? "ConfigMap" : src.has("secret") ? "Secret" : null;
            assertNotNull(kind, v.name() + ": a projected source of a kind not expected: " + src);
            JsonNode ref = src.path(kind.equals("ConfigMap") ? "configMap" : "secret");
            JsonNode source = v.named(kind, ref.path("name").asText()).doc();
            JsonNode data = source.path(source.has("stringData") ? "stringData" : "data");
            for (JsonNode item : ref.path("items")) {
                String key = item.path("key").asText();
                assertTrue(data.has(key), v.name() + ": " + kind + " " + ref.path("name").asText() + " has the key " + key);
                files.put(mountPath + "/" + item.path("path").asText(), kind + " " + ref.path("name").asText() + "/" + key);
            }
        }
        return files;
    }

    private static List<Manifest> manifests(Path dir, boolean recursive) throws IOException {
        assertTrue(Files.isDirectory(dir), dir.toAbsolutePath() + " exists");
        List<Manifest> all = new ArrayList<>();
        try (Stream<Path> files = recursive ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                all.addAll(read(f));
            }
        }
        return all;
    }

    private static List<Manifest> read(Path file) throws IOException {
        List<Manifest> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(new Manifest(file, doc));
                }
            }
        }
        assertFalse(docs.isEmpty(), file + " holds a manifest");
        return docs;
    }

    private static Manifest one(Path dir, String kind) throws IOException {
        List<Manifest> found = manifests(dir, false).stream().filter(m -> m.kind().equals(kind)).toList();
        assertEquals(1, found.size(), dir + ": one " + kind);
        return found.get(0);
    }

    private static JsonNode spec(Manifest m) {
        return m.doc().path("spec");
    }

    private static JsonNode effective(JsonNode pod, JsonNode container, String field) {
        return container.has(field) ? container.path(field) : pod.path(field);
    }

    private static int port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name + ": " + container.path("ports"));
    }

    /** A probe's or a Service's port: a number, or the name of a container port. */
    private static int resolvePort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        if (port.asText().matches("\\d+")) {
            return Integer.parseInt(port.asText());
        }
        return port(container, port.asText());
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new TreeMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A Kubernetes memory quantity in bytes (Ki, Mi, Gi, k, M, G or plain). */
    static long bytes(String q) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(q);
        if (!m.matches()) {
            fail("not a memory quantity: '" + q + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "Ti" -> n << 40;
            case "k" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            case "T" -> n * 1000_000_000_000L;
            default -> n;
        };
    }

    /** A Kubernetes CPU quantity in millicores ("500m", "2", "1.5"). */
    static long millicores(String q) {
        if (q.matches("\\d+m")) {
            return Long.parseLong(q.substring(0, q.length() - 1));
        }
        if (q.matches("\\d+(\\.\\d+)?")) {
            return Math.round(Double.parseDouble(q) * 1000);
        }
        fail("not a CPU quantity: '" + q + "'");
        return -1;
    }

    /**
     * A line-based reading of the TOML these files use (no TOML library is on the classpath): comments, {@code [table]}
     * headers, {@code key = "string"} and {@code key = ["a", "b"]}. Any other line fails the test. Table name ("" for
     * the top) to key to the raw value.
     */
    static Map<String, Map<String, String>> toml(Path file) throws IOException {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        String table = "";
        tables.put(table, new LinkedHashMap<>());
        Pattern header = Pattern.compile("\\[([^\\[\\]]+)]");
        Pattern pair = Pattern.compile("([A-Za-z0-9_]+)\\s*=\\s*(\"[^\"]*\"|\\[\\s*(\"[^\"]*\"\\s*(,\\s*\"[^\"]*\"\\s*)*)?]|true|false|\\d+)");
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher h = header.matcher(t);
            Matcher p = pair.matcher(t);
            if (h.matches()) {
                table = h.group(1).strip();
                assertFalse(tables.containsKey(table), file + " line " + n + ": table [" + table + "] twice");
                tables.put(table, new LinkedHashMap<>());
            } else if (p.matches()) {
                assertFalse(tables.get(table).containsKey(p.group(1)), file + " line " + n + ": key " + p.group(1) + " twice");
                tables.get(table).put(p.group(1), p.group(2));
            } else {
                fail(file + " line " + n + " is not TOML this test reads: " + line);
            }
        }
        return tables;
    }

    private static List<String> strings(String tomlArray) {
        assertNotNull(tomlArray, "a TOML array");
        assertTrue(tomlArray.startsWith("["), "a TOML array, not " + tomlArray);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(tomlArray);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String firstComment(Path file) throws IOException {
        for (Iterator<String> it = Files.readAllLines(file).iterator(); it.hasNext(); ) {
            String line = it.next().strip();
            if (line.startsWith("#")) {
                return line + " " + (it.hasNext() ? it.next().strip() : "");
            }
        }
        return "";
    }
}

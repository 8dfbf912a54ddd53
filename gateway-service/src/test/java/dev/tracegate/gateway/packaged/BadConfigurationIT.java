package dev.tracegate.gateway.packaged;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.tracegate.testsupport.LoopbackPorts;

/**
 * The packaged gateway given a bad setting, through the environment as a Deployment gives it: it does not start. It
 * exits by itself with a non-zero code, and says why in one line that names the key and what is wrong, with no stack
 * trace and without the value, which here carries a password-like marker. Everything else is valid: the test tenants
 * file (issuers at a loopback port where nothing listens: a refused start never calls them), Tempo's default URLs.
 */
class BadConfigurationIT {

    /** In the value of every bad setting; never in the output. */
    static final String MARKER = "s3cr3t-marker";
    /** A refusal takes a few seconds (the JVM's start); only a gateway that accepted the setting waits this out. */
    static final long EXIT_WITHIN_SECONDS = 30;

    static final String TENANTS_FILE = Path.of("src/test/resources/tenants/test-tenants.yaml").toAbsolutePath().toString();
    static final String NOBODY = "http://127.0.0.1:" + LoopbackPorts.free();

    @Test
    void aPublicUrlWithAPasswordInItStopsTheStartNamingTheKeyAlone(TestInfo test) throws Exception {
        assertRefused("tracegate.public-url", start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_PUBLIC_URL", "https://user:" + MARKER + "@gw.example/x?y")));
    }

    @Test
    void aTempoUrlThatIsNotHttpStopsTheStart(TestInfo test) throws Exception {
        assertRefused("tracegate.upstream.query-frontend", start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_UPSTREAM_QUERY_FRONTEND", "ftp://tempo:" + MARKER + "@tempo:3200")));
    }

    @Test
    void aProvisionerBesideATenantsFileStopsTheStart(TestInfo test) throws Exception {
        assertRefused("tracegate.tenants.provisioner.url", start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_TENANTS_PROVISIONER_URL", "http://gw:" + MARKER + "@provisioner:8080",
                "TRACEGATE_TENANTS_PROVISIONER_GATEWAY", "observability/tempo")));
    }

    @Test
    void aProvisionerGatewayThatIsNotNamespaceSlashNameStopsTheStart(TestInfo test) throws Exception {
        assertRefused("tracegate.tenants.provisioner.gateway", start(test, Map.of(
                "TRACEGATE_TENANTS_PROVISIONER_URL", NOBODY,
                "TRACEGATE_TENANTS_PROVISIONER_GATEWAY", "observability/" + MARKER + "/tempo")));
    }

    @Test
    void aProvisionerCaFileWithAnHttpUrlStopsTheStart(TestInfo test) throws Exception {
        // The CA would protect nothing: the service-account token would still go out in the clear.
        assertRefused("tracegate.tenants.provisioner.ca-file", start(test, Map.of(
                "TRACEGATE_TENANTS_PROVISIONER_URL", "http://127.0.0.1:" + LoopbackPorts.free(),
                "TRACEGATE_TENANTS_PROVISIONER_GATEWAY", "observability/tempo",
                "TRACEGATE_TENANTS_PROVISIONER_CA_FILE", TENANTS_FILE)));
    }

    @Test
    void aProvisionerCaFileWithNoCertificateStopsTheStart(TestInfo test) throws Exception {
        Ended ended = start(test, Map.of(
                "TRACEGATE_TENANTS_PROVISIONER_URL", "https://127.0.0.1:" + LoopbackPorts.free(),
                "TRACEGATE_TENANTS_PROVISIONER_GATEWAY", "observability/tempo",
                "TRACEGATE_TENANTS_PROVISIONER_CA_FILE", TENANTS_FILE));
        assertRefused("tracegate.tenants.provisioner.ca-file", ended);
        assertTrue(ended.output().contains("not a readable PEM certificate file: " + TENANTS_FILE), ended.output());
    }

    @Test
    void anUpstreamCaFileWithNoCertificateStopsTheStart(TestInfo test) throws Exception {
        Ended ended = start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_UPSTREAM_CA_FILE", TENANTS_FILE));
        assertRefused("tracegate.upstream.ca-file", ended);
        assertTrue(ended.output().contains("not a readable PEM certificate file: " + TENANTS_FILE), ended.output());
    }

    @Test
    void aShortSessionSecretStopsTheStart(TestInfo test) throws Exception {
        assertRefused("tracegate.session.secret", start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_SESSION_SECRET", MARKER)));
    }

    /** An upstream timeout of 0 would time out every exchange with Tempo (SettingRanges checks every such number). */
    @Test
    void anUpstreamTimeoutOfZeroStopsTheStart(TestInfo test) throws Exception {
        assertRefused("tracegate.upstream.timeout", start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_UPSTREAM_TIMEOUT", "0s")));
    }

    /**
     * The shipped idle timeout is 2 minutes: an upstream timeout as long would close a client's connection, with no
     * answer, before the 504 that says Tempo was silent.
     */
    @Test
    void anUpstreamTimeoutAsLongAsTheIdleTimeoutStopsTheStart(TestInfo test) throws Exception {
        assertRefused("tracegate.upstream.timeout", start(test, Map.of(
                "TRACEGATE_TENANTS_FILE", TENANTS_FILE,
                "TRACEGATE_UPSTREAM_TIMEOUT", "2m")));
    }

    /** How the launched gateway ended: its exit code and everything it wrote to stdout and stderr. */
    record Ended(int exitCode, String output) {
    }

    /** Starts the packaged gateway with these environment variables and waits for it to exit by itself. */
    static Ended start(TestInfo test, Map<String, String> environment) throws Exception {
        Path log = Files.createDirectories(Path.of("target", "bad-configuration"))
                .resolve(test.getTestMethod().orElseThrow().getName() + ".log");
        List<String> settings = new ArrayList<>(List.of("-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + LoopbackPorts.free(), "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + LoopbackPorts.free(), "-Dkeycloak.url=" + NOBODY));
        ProcessBuilder builder = new ProcessBuilder(PackagedGateway.command(settings))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The test's environment variables only, none of the machine's. (No tracegate.* as -D: it would outrank them.)
        builder.environment().keySet().removeIf(name -> name.startsWith("TRACEGATE_"));
        builder.environment().putAll(environment);
        Process gateway = builder.start();
        try {
            if (!gateway.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)) {
                fail("the gateway was still running after " + EXIT_WITHIN_SECONDS + " s: it accepted the setting\n"
                        + Files.readString(log));
            }
            return new Ended(gateway.exitValue(), Files.readString(log));
        } finally {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void assertRefused(String key, Ended ended) {
        String output = ended.output();
        assertNotEquals(0, ended.exitCode(), () -> "exit code 0\n" + output);
        assertTrue(output.contains(key), () -> key + " is not named\n" + output);
        assertFalse(output.contains("\tat "), () -> "a stack trace\n" + output);
        assertTrue(output.lines().anyMatch(line -> line.startsWith(key + ": ")),
                () -> "no line of its own saying what is wrong with " + key + "\n" + output);
        assertFalse(output.contains(MARKER), () -> "the value was echoed\n" + output);
    }
}

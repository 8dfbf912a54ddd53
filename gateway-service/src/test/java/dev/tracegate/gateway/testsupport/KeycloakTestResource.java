package dev.tracegate.gateway.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tracegate.testsupport.LoopbackPorts;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} that the pom unpacks under {@code target/keycloak/}) for the
 * end-to-end tests, with two realms = two Tracegate tenants.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(KeycloakTestResource.class)   // config: keycloak.url = http://127.0.0.1:<port>
 * class SomeEndToEndTest {
 *     String token = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
 * }
 * }</pre>
 * A tenants file for the gateway then says {@code issuerURL: ${keycloak.url}/realms/team-a}. Plain JUnit tests may call
 * {@link #url()} directly: it starts Keycloak on first use.
 * <p>
 * Keycloak is started <b>once per test JVM</b>, however many Quarkus test profiles call {@link #start()} (and from
 * whichever class loader: the state lives in system properties), and is stopped by a JVM shutdown hook. If the test
 * JVM dies without running its hooks, Keycloak still stops: a small shell wrapper stops it when its standard input
 * (a pipe from this JVM) closes. Its output goes to {@code target/keycloak.log} (or {@code target/keycloak-<pid>.log}
 * while another test JVM of this module runs its own Keycloak); each JVM runs it from its own
 * directory {@code target/keycloak-run/<pid>/} (fresh {@code data/}, realms imported from
 * {@code src/test/resources/keycloak/*-realm.json}), so two builds of this module can run side by side.
 * <p>
 * Keycloak needs Java 21+: the JDK is {@code $KEYCLOAK_JAVA_HOME} if set, else the newest JDK 21+ under
 * {@code /usr/lib/jvm} (by its {@code release} file), else the running JVM if it is 21+.
 * System properties: {@code keycloak.home} (set by surefire), {@code keycloak.startup-timeout} (seconds, default 180).
 *
 * <h2>Realms</h2>
 * Issuer = {@code <keycloak.url>/realms/<realm>} (fixed by {@code --hostname}, whatever Host a client uses).
 * Passwords are {@code <user>-password}; e-mail {@code <user>@example.com} (verified, but for bert's); access tokens
 * live 15 minutes.
 * <table>
 * <caption>Users, groups and clients</caption>
 * <tr><th>realm</th><th>user</th><th>groups (claim {@code groups}, no path)</th></tr>
 * <tr><td>team-a</td><td>alice</td><td>a-readers, a-writers</td></tr>
 * <tr><td>team-a</td><td>anna</td><td>a-readers</td></tr>
 * <tr><td>team-a</td><td>arnold</td><td>none (the claim is absent)</td></tr>
 * <tr><td>team-a</td><td>service-account-tracegate-a (client credentials of tracegate-a; no e-mail)</td><td>a-writers</td></tr>
 * <tr><td>team-b</td><td>bob</td><td>b-readers, b-writers</td></tr>
 * <tr><td>team-b</td><td>bella</td><td>b-readers</td></tr>
 * <tr><td>team-b</td><td>bert (e-mail not verified)</td><td>none</td></tr>
 * <tr><td>team-b</td><td>service-account-tracegate-b (client credentials of tracegate-b; no e-mail)</td><td>b-writers</td></tr>
 * </table>
 * <table>
 * <caption>Clients (all confidential, client secret in the body or Basic)</caption>
 * <tr><th>realm</th><th>client id / secret</th><th>what</th></tr>
 * <tr><td>team-a</td><td>tracegate-a / tracegate-a-secret</td><td>the tenant's client: access token {@code aud}
 *   = tracegate-a (audience mapper); {@code groups} and {@code email} in access and ID tokens; password grant,
 *   client credentials, code flow (PKCE S256 optional, not required) with redirect URIs {@code http://127.0.0.1:*}
 *   and {@code http://localhost:*} (any port, any path), web origins {@code +}, post-logout redirect {@code +}</td></tr>
 * <tr><td>team-a</td><td>other-client / other-secret</td><td>another application of the same issuer: same
 *   {@code groups}/{@code email} claims, but no audience mapper, so its tokens carry no {@code aud} at all
 *   (password grant and client credentials only)</td></tr>
 * <tr><td>team-b</td><td>tracegate-b / tracegate-b-secret</td><td>as tracegate-a</td></tr>
 * <tr><td>team-b</td><td>other-client / other-secret</td><td>as in team-a</td></tr>
 * </table>
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    /** Config property returned by {@link #start()}: {@code http://127.0.0.1:<port>}. */
    public static final String URL_PROPERTY = "keycloak.url";

    public static final String REALM_A = "team-a";
    public static final String REALM_B = "team-b";
    public static final String CLIENT_A = "tracegate-a";
    public static final String CLIENT_A_SECRET = "tracegate-a-secret";
    public static final String CLIENT_B = "tracegate-b";
    public static final String CLIENT_B_SECRET = "tracegate-b-secret";
    /** In both realms: a client without the tracegate audience. */
    public static final String OTHER_CLIENT = "other-client";
    public static final String OTHER_CLIENT_SECRET = "other-secret";

    public static final String GROUP_A_READERS = "a-readers";
    public static final String GROUP_A_WRITERS = "a-writers";
    public static final String GROUP_B_READERS = "b-readers";
    public static final String GROUP_B_WRITERS = "b-writers";

    /** team-a: a-readers, a-writers. */
    public static final String ALICE = "alice";
    /** team-a: a-readers. */
    public static final String ANNA = "anna";
    /** team-a: no group. */
    public static final String ARNOLD = "arnold";
    /** team-b: b-readers, b-writers. */
    public static final String BOB = "bob";
    /** team-b: b-readers. */
    public static final String BELLA = "bella";
    /** team-b: no group; his e-mail is not verified ({@code email_verified: false}). */
    public static final String BERT = "bert";

    /** Keycloak's bootstrap admin (master realm); its password is random per run, see {@link #adminPassword()}. */
    public static final String ADMIN_USERNAME = "admin";

    // Shared by every class loader of the test JVM (Quarkus loads this class once per test profile): system
    // properties, which are also a config source, so not under tracegate.* (the gateway's @ConfigMapping refuses
    // unknown keys of its prefix).
    private static final String SHARED_URL = "testsupport.keycloak.shared-url";
    private static final String SHARED_ADMIN_PASSWORD = "testsupport.keycloak.shared-admin-password";
    private static final String SHARED_FAILURE = "testsupport.keycloak.shared-failure";
    /** A string literal is one object in the whole JVM, whichever class loader: the start lock. */
    private static final String SHARED_LOCK = "testsupport.keycloak.start-lock";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    // ------------------------------------------------------------------------------------------------------------
    // QuarkusTestResourceLifecycleManager

    @Override
    public Map<String, String> start() {
        return Map.of(URL_PROPERTY, ensureStarted());
    }

    /** Does nothing: Keycloak lives for the whole test JVM and is stopped by a shutdown hook. */
    @Override
    public void stop() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helper API

    /** {@code http://127.0.0.1:<port>}; starts Keycloak if this JVM has not yet. */
    public static String url() {
        return ensureStarted();
    }

    /** {@code <url>/realms/<realm>}: the issuer of the realm's tokens. */
    public static String issuer(String realm) {
        return url() + "/realms/" + realm;
    }

    /** {@code <issuer>/protocol/openid-connect/token}. */
    public static String tokenEndpoint(String realm) {
        return issuer(realm) + "/protocol/openid-connect/token";
    }

    /** {@code <issuer>/protocol/openid-connect/auth}. */
    public static String authorizationEndpoint(String realm) {
        return issuer(realm) + "/protocol/openid-connect/auth";
    }

    /** The password of one of the users above: {@code <user>-password}. */
    public static String password(String username) {
        return username + "-password";
    }

    /** The realm of one of the users above (by the first letter: a… = team-a, b… = team-b). */
    public static String realmOf(String username) {
        if (username.startsWith("a")) {
            return REALM_A;
        }
        if (username.startsWith("b")) {
            return REALM_B;
        }
        throw new IllegalArgumentException("not a user of the test realms: " + username);
    }

    /** The tracegate client of a realm: tracegate-a for team-a, tracegate-b for team-b. */
    public static String clientOf(String realm) {
        switch (realm) {
            case REALM_A:
                return CLIENT_A;
            case REALM_B:
                return CLIENT_B;
            default:
                throw new IllegalArgumentException("not a test realm: " + realm);
        }
    }

    /** The secret of {@link #clientOf(String)}. */
    public static String clientSecretOf(String realm) {
        return clientOf(realm) + "-secret";
    }

    /** Access token of one of the users above, from its realm's tracegate client (password grant). */
    public static String accessToken(String username) {
        String realm = realmOf(username);
        return accessToken(realm, clientOf(realm), clientSecretOf(realm), username, password(username));
    }

    /** Access token by the password grant (resource owner password credentials). */
    public static String accessToken(String realm, String clientId, String clientSecret, String username,
            String password) {
        return passwordGrant(realm, clientId, clientSecret, username, password).accessToken();
    }

    /** Tokens (access, ID - scope {@code openid} - and refresh) by the password grant. */
    public static Tokens passwordGrant(String realm, String clientId, String clientSecret, String username,
            String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return tokenRequest(realm, form);
    }

    /** Access token of the client's service account (client credentials grant). */
    public static String clientCredentialsToken(String realm, String clientId, String clientSecret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return tokenRequest(realm, form).accessToken();
    }

    /** Exchanges an authorization code (code flow), with the PKCE verifier if one was used (else null). */
    public static Tokens exchangeCode(String realm, String clientId, String clientSecret, String code,
            String redirectUri, String codeVerifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        if (codeVerifier != null) {
            form.put("code_verifier", codeVerifier);
        }
        return tokenRequest(realm, form);
    }

    /**
     * The claims of a JWT, decoded without any verification (for assertions only). Arrays are {@code List}s,
     * numbers {@code Integer}/{@code Long}.
     */
    public static Map<String, Object> claims(String jwt) {
        return decodedPart(jwt, 1, "payload");
    }

    /** The header of a JWT ({@code alg}, {@code kid}, ...), decoded without any verification. */
    public static Map<String, Object> header(String jwt) {
        return decodedPart(jwt, 0, "header");
    }

    private static Map<String, Object> decodedPart(String jwt, int index, String part) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWS compact serialization (" + parts.length + " parts)");
        }
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(parts[index]),
                    new TypeReference<Map<String, Object>>() {
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("JWT " + part + " is not JSON", e);
        }
    }

    /** The bootstrap admin's password of the running Keycloak (master realm, user {@link #ADMIN_USERNAME}). */
    public static String adminPassword() {
        ensureStarted();
        return System.getProperty(SHARED_ADMIN_PASSWORD);
    }

    /** A token endpoint's answer. {@code idToken}/{@code refreshToken} may be null. */
    public record Tokens(String accessToken, String idToken, String refreshToken, long expiresIn) {
        @Override
        public String toString() {
            return "Tokens[expiresIn=" + expiresIn + ", redacted]"; // never print tokens
        }
    }

    private static Tokens tokenRequest(String realm, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenEndpoint(realm)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = send(request, "token request to realm " + realm);
        Map<String, Object> json;
        try {
            json = JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("token endpoint of realm " + realm + " answered " + response.statusCode()
                    + " with a body that is not JSON");
        }
        if (response.statusCode() != 200 || !(json.get("access_token") instanceof String)) {
            // error bodies carry no token: safe to show
            throw new IllegalStateException("token request (" + form.get("grant_type") + ", client "
                    + form.get("client_id") + ") to realm " + realm + " answered " + response.statusCode() + ": "
                    + json.get("error") + " - " + json.get("error_description"));
        }
        Object expiresIn = json.get("expires_in");
        return new Tokens((String) json.get("access_token"), (String) json.get("id_token"),
                (String) json.get("refresh_token"), expiresIn instanceof Number ? ((Number) expiresIn).longValue() : 0);
    }

    /**
     * Rotates the realm's signing key as an administrator would: a new generated RSA key of a higher priority, with
     * which Keycloak signs every token from now on (its JWKS lists both).
     *
     * @return the id of the key's component, for {@link #removeSigningKey}
     */
    public static String addSigningKey(String realm) {
        String token = adminToken();
        Map<String, Object> realmJson = adminJson(admin("GET", "/admin/realms/" + realm, token, null), realm);
        Map<String, Object> component = Map.of(
                "name", "rotated-" + System.nanoTime(),
                "providerId", "rsa-generated",
                "providerType", "org.keycloak.keys.KeyProvider",
                "parentId", realmJson.get("id"),
                "config", Map.of("priority", List.of("1000"), "keySize", List.of("2048"),
                        "algorithm", List.of("RS256")));
        HttpResponse<String> created;
        try {
            created = admin("POST", "/admin/realms/" + realm + "/components", token, JSON.writeValueAsString(component));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String location = created.headers().firstValue("Location").orElse("");
        if (created.statusCode() != 201 || location.isEmpty()) {
            throw new IllegalStateException("adding a signing key to realm " + realm + " answered "
                    + created.statusCode());
        }
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Removes a key {@link #addSigningKey} added: the realm signs with its first key again. */
    public static void removeSigningKey(String realm, String componentId) {
        HttpResponse<String> removed = admin("DELETE", "/admin/realms/" + realm + "/components/" + enc(componentId),
                adminToken(), null);
        if (removed.statusCode() != 204) {
            throw new IllegalStateException("removing signing key " + componentId + " answered " + removed.statusCode());
        }
    }

    private static String adminToken() {
        return accessToken("master", "admin-cli", "", ADMIN_USERNAME, adminPassword());
    }

    private static HttpResponse<String> admin(String method, String path, String token, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build();
        return send(request, method + " " + path);
    }

    private static HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, Object> adminJson(HttpResponse<String> response, String what) {
        try {
            if (response.statusCode() != 200) {
                throw new IllegalStateException(what + ": Keycloak's admin API answered " + response.statusCode());
            }
            return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Start, once per JVM

    private static Object sharedLock() {
        return SHARED_LOCK.intern();
    }

    private static String ensureStarted() {
        String url = System.getProperty(SHARED_URL);
        if (url != null) {
            return url;
        }
        synchronized (sharedLock()) {
            url = System.getProperty(SHARED_URL);
            String failure = System.getProperty(SHARED_FAILURE);
            if (url == null && failure != null) {
                // do not spend another few minutes per test class on a Keycloak that does not start
                throw new IllegalStateException("Keycloak failed to start earlier in this JVM: " + failure);
            }
            if (url == null) {
                Started started;
                try {
                    started = new Launcher().launch();
                } catch (RuntimeException e) {
                    System.setProperty(SHARED_FAILURE, String.valueOf(e.getMessage()));
                    throw e;
                }
                System.setProperty(SHARED_ADMIN_PASSWORD, started.adminPassword);
                System.setProperty(SHARED_URL, started.url);
                url = started.url;
            }
            return url;
        }
    }

    private static final class Started {
        final String url;
        final String adminPassword;

        Started(String url, String adminPassword) {
            this.url = url;
            this.adminPassword = adminPassword;
        }
    }

    /** Starts the Keycloak process. */
    static final class Launcher {

        private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"?([0-9][0-9._+a-zA-Z-]*)\"?\\s*$",
                Pattern.MULTILINE);
        /**
         * Runs kc.sh in the background and stops it (TERM, which kc.sh forwards to its java) when this wrapper gets
         * TERM or when its standard input reaches end of file, which happens when the test JVM exits in any way.
         */
        private static final String WRAPPER = ""
                // an asynchronous command's stdin is /dev/null unless redirected explicitly: keep ours on fd 3
                + "exec 3<&0\n"
                + "\"$@\" </dev/null 3<&- &\n"
                + "KC=$!\n"
                + "trap 'kill -TERM $KC 2>/dev/null; wait $KC; exit 143' TERM INT\n"
                + "( cat >/dev/null; kill -TERM $KC 2>/dev/null ) <&3 &\n"
                + "WATCH=$!\n"
                + "exec 3<&-\n"
                + "wait $KC\n"
                + "STATUS=$?\n"
                + "kill $WATCH 2>/dev/null\n"
                + "exit $STATUS\n";

        Started launch() {
            Path home = keycloakHome();
            Path target = home.getParent().getParent(); // target/keycloak/keycloak-<version>
            Path javaHome = findJava21();
            Path runs = target.resolve("keycloak-run");
            removeStaleRunDirectories(runs);
            // another test JVM of this module has its Keycloak running: do not write into its log
            Path log = target.resolve(otherRunsAlive(runs) ? "keycloak-" + ProcessHandle.current().pid() + ".log"
                    : "keycloak.log");
            Path runDir = runs.resolve(Long.toString(ProcessHandle.current().pid()));
            prepareRunDirectory(home, runDir);

            long timeoutSeconds = Long.getLong("keycloak.startup-timeout", 180);
            String adminPassword = newAdminPassword();
            IllegalStateException lastFailure = null;
            for (int attempt = 1; attempt <= 2; attempt++) {
                int port = LoopbackPorts.free();
                int managementPort = LoopbackPorts.free();
                while (managementPort == port) {
                    managementPort = LoopbackPorts.free();
                }
                String url = "http://127.0.0.1:" + port;
                List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "keycloak-wrapper",
                        runDir.resolve("bin/kc.sh").toString(), "start-dev",
                        "--http-host=127.0.0.1",
                        "--http-port=" + port,
                        // there is no management host option: the management interface inherits http-host
                        // (and is off anyway while health and metrics are)
                        "--http-management-port=" + managementPort,
                        "--hostname=" + url,
                        "--db=dev-mem",
                        "--import-realm"));
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(runDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                Map<String, String> env = builder.environment();
                env.keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("KEYCLOAK_") || k.equals("JAVA_OPTS"));
                env.put("JAVA_HOME", javaHome.toString());
                // quiets a stack trace that Keycloak's thread pools print at shutdown on Java 24+
                env.put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
                env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
                env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);

                long t0 = System.nanoTime();
                Process process;
                try {
                    process = builder.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start " + command.get(4), e);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, runDir), "keycloak-stop"));
                try {
                    awaitReady(process, url, timeoutSeconds, log);
                    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                    System.out.println("[KeycloakTestResource] Keycloak ready at " + url + " after " + seconds
                            + " s (JDK " + javaHome + ", log " + log + ")");
                    return new Started(url, adminPassword);
                } catch (IllegalStateException e) {
                    stop(process, null);
                    lastFailure = e;
                    if (!tail(log, 200).contains("Address already in use")) {
                        break;
                    }
                }
            }
            throw lastFailure;
        }

        private static String newAdminPassword() {
            byte[] bytes = new byte[12];
            new SecureRandom().nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }

        private static Path keycloakHome() {
            List<Path> candidates = new ArrayList<>();
            String configured = System.getProperty("keycloak.home");
            if (configured != null && !configured.isBlank()) {
                candidates.add(Paths.get(configured));
            } else {
                // run outside Maven (an IDE): look for what the pom unpacks
                for (Path base : List.of(Paths.get("target", "keycloak"), Paths.get("gateway-service", "target", "keycloak"))) {
                    if (Files.isDirectory(base)) {
                        try (Stream<Path> s = Files.list(base)) {
                            s.filter(p -> p.getFileName().toString().startsWith("keycloak-")).forEach(candidates::add);
                        } catch (IOException e) {
                            // ignore
                        }
                    }
                }
            }
            for (Path p : candidates) {
                if (Files.isRegularFile(p.resolve("bin/kc.sh"))) {
                    return p.toAbsolutePath().normalize();
                }
            }
            throw new IllegalStateException("Keycloak distribution not found (system property keycloak.home = "
                    + configured + "); run 'mvn -pl gateway-service process-test-resources' so that the pom unpacks "
                    + "keycloak-quarkus-dist under gateway-service/target/keycloak/");
        }

        static Path findJava21() {
            String override = System.getenv("KEYCLOAK_JAVA_HOME");
            if (override != null && !override.isBlank()) {
                Path p = Paths.get(override);
                if (!Files.isExecutable(p.resolve("bin/java"))) {
                    throw new IllegalStateException("KEYCLOAK_JAVA_HOME=" + override + " has no bin/java");
                }
                return p;
            }
            Path best = null;
            int bestMajor = 0;
            Path jvms = Paths.get("/usr/lib/jvm");
            if (Files.isDirectory(jvms)) {
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
                    for (Path dir : dirs) {
                        int major = releaseMajor(dir);
                        if (major >= 21 && major > bestMajor && Files.isExecutable(dir.resolve("bin/java"))) {
                            best = dir;
                            bestMajor = major;
                        }
                    }
                } catch (IOException e) {
                    // fall through
                }
            }
            if (best != null) {
                return best;
            }
            if (Runtime.version().feature() >= 21) {
                return Paths.get(System.getProperty("java.home"));
            }
            throw new IllegalStateException("Keycloak needs Java 21 or newer, and none was found: no JDK under "
                    + "/usr/lib/jvm has JAVA_VERSION >= 21 in its 'release' file, and this JVM is "
                    + Runtime.version() + ". Install one (e.g. Temurin 21+) or set KEYCLOAK_JAVA_HOME.");
        }

        static int releaseMajor(Path jdk) {
            Path release = jdk.resolve("release");
            if (!Files.isRegularFile(release)) {
                return 0;
            }
            try {
                Matcher m = JAVA_VERSION.matcher(Files.readString(release, StandardCharsets.ISO_8859_1));
                if (!m.find()) {
                    return 0;
                }
                String[] parts = m.group(1).split("[._+-]");
                int major = Integer.parseInt(parts[0]);
                if (major == 1 && parts.length > 1) { // 1.8.0
                    major = Integer.parseInt(parts[1]);
                }
                return major;
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
        }

        /** Deletes run directories of test JVMs that are gone (their Keycloak stopped with them). */
        private static void removeStaleRunDirectories(Path runs) {
            if (!Files.isDirectory(runs)) {
                return;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
                for (Path dir : dirs) {
                    try {
                        long pid = Long.parseLong(dir.getFileName().toString());
                        if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                            deleteTree(dir);
                        }
                    } catch (NumberFormatException e) {
                        // not ours
                    }
                }
            } catch (IOException e) {
                // best effort
            }
        }

        private static boolean otherRunsAlive(Path runs) {
            if (!Files.isDirectory(runs)) {
                return false;
            }
            try (Stream<Path> dirs = Files.list(runs)) {
                return dirs.anyMatch(d -> !d.getFileName().toString().equals(Long.toString(ProcessHandle.current().pid())));
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * A private Keycloak home: {@code bin/} copied (kc.sh derives the home from its own real path), the
         * distribution's other entries linked, a fresh {@code data/import/} with the realm files.
         */
        private static void prepareRunDirectory(Path home, Path runDir) {
            try {
                deleteTree(runDir);
                Files.createDirectories(runDir.resolve("bin"));
                try (Stream<Path> s = Files.list(home.resolve("bin"))) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        if (Files.isRegularFile(f)) {
                            Path copy = runDir.resolve("bin").resolve(f.getFileName().toString());
                            Files.copy(f, copy);
                            copy.toFile().setExecutable(Files.isExecutable(f), false);
                        }
                    }
                }
                try (Stream<Path> s = Files.list(home)) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        String name = f.getFileName().toString();
                        if (!name.equals("bin") && !name.equals("data")) {
                            Files.createSymbolicLink(runDir.resolve(name), f);
                        }
                    }
                }
                Path imports = Files.createDirectories(runDir.resolve("data/import"));
                for (String realm : List.of(REALM_A, REALM_B)) {
                    String resource = "/keycloak/" + realm + "-realm.json";
                    try (var in = KeycloakTestResource.class.getResourceAsStream(resource)) {
                        if (in == null) {
                            throw new IllegalStateException("realm file missing from the test class path: " + resource);
                        }
                        Files.copy(in, imports.resolve(realm + "-realm.json"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + runDir, e);
            }
        }

        private static void awaitReady(Process process, String url, long timeoutSeconds, Path log) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<String> wellKnown = List.of(url + "/realms/" + REALM_A + "/.well-known/openid-configuration",
                    url + "/realms/" + REALM_B + "/.well-known/openid-configuration");
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                            + " before it was ready; end of " + log + ":\n" + tail(log, 40));
                }
                if (wellKnown.stream().allMatch(Launcher::answers200)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Keycloak not ready after " + timeoutSeconds + " s (both realms' "
                            + "/.well-known/openid-configuration must answer 200; system property "
                            + "keycloak.startup-timeout raises the limit); end of " + log + ":\n" + tail(log, 40));
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Keycloak", e);
                }
            }
        }

        private static boolean answers200(String url) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
                return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /**
         * Stops Keycloak: closes the wrapper's stdin (it then TERMs kc.sh, which forwards to java), TERMs the
         * descendants too, waits up to 20 s, then kills whatever is left.
         */
        static void stop(Process process, Path runDir) {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().collect(Collectors.toList()));
            all.add(process.toHandle());
            try (OutputStream stdin = process.getOutputStream()) {
                // closing is the signal
            } catch (IOException e) {
                // already closed
            }
            // the java process first (deepest descendants), then the scripts
            all.sort(Comparator.comparingInt((ProcessHandle h) -> depth(h, process.pid())).reversed());
            all.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (ProcessHandle h : all) {
                long left = deadline - System.nanoTime();
                try {
                    if (left > 0) {
                        h.onExit().get(left, TimeUnit.NANOSECONDS);
                    }
                } catch (Exception e) {
                    // forced below
                }
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
            if (runDir != null) {
                try {
                    deleteTree(runDir);
                } catch (IOException e) {
                    // best effort: removed by the next run
                }
            }
        }

        private static int depth(ProcessHandle h, long rootPid) {
            int d = 0;
            Optional<ProcessHandle> p = Optional.of(h);
            while (p.isPresent() && p.get().pid() != rootPid && d < 16) {
                p = p.get().parent();
                d++;
            }
            return d;
        }

        static String tail(Path file, int lines) {
            try {
                List<String> all = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\\R"));
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e + ")";
            }
        }

        private static void deleteTree(Path root) throws IOException {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            // walk does not follow symbolic links: the linked distribution stays untouched
            try (Stream<Path> s = Files.walk(root)) {
                List<Path> paths = s.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
                for (Path p : paths) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

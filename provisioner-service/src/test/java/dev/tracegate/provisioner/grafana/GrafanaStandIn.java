package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

/**
 * A fake Grafana on 127.0.0.1 (random port) that follows the documented data source HTTP API closely enough to
 * test a provisioner against it:
 * <ul>
 *   <li>{@code GET /api/datasources}, {@code POST /api/datasources}, {@code GET|PUT|DELETE /api/datasources/uid/{uid}},
 *       {@code GET /api/datasources/name/{name}}, {@code GET /api/datasources/uid/{uid}/health};</li>
 *   <li>409 on a duplicate name or uid, 404 for a missing datasource;</li>
 *   <li>{@code PUT} replaces the datasource (jsonData whole), merges secureJsonData as Grafana does, and answers 409
 *       when its {@code version} is older than the stored one; every write increments the version;</li>
 *   <li>answers never contain secureJsonData, only {@code secureJsonFields: {key: true}};</li>
 *   <li>each datasource lives in the org named by {@code X-Grafana-Org-Id} (1 when absent), and {@code GET /api/org}
 *       answers that org;</li>
 *   <li>401 unless the request carries {@code Authorization: Bearer }{@link #TOKEN} or basic auth
 *       {@link #USER}/{@link #PASSWORD} (see {@link #setCredentials}); the token, a service account's, belongs to
 *       org 1 alone, so with another org's {@code X-Grafana-Org-Id} it is a 401 too ("API key does not belong to the
 *       requested organization"), while the user, as a server admin, may work in any org;</li>
 *   <li>403 where the credentials lack a permission ({@link #deny}, {@link #denyCreate}), as Grafana's RBAC and
 *       datasource permissions answer: checked before the datasource is looked up, with Grafana's body
 *       {@code {"title": "Access denied", "message": "... Permissions needed: datasources:write", "accessErrorId": "ACE..."}};
 *       the list leaves out the datasources the credentials may not read; the health check of one they may not
 *       query answers {@code {"message": "Access denied to datasource"}}.</li>
 * </ul>
 * Requests are served concurrently, as Grafana serves them. Tests can make it fail ({@link #failNext},
 * {@link #setDown}), answer a health check late ({@link #delayHealth}) or not at all ({@link #withoutHealthChecks}), refuse one datasource ({@link #deny}), change datasources behind the provisioner's back
 * ({@link #drift}, {@link #remove}, {@link #addForeign}, {@link #writeConcurrentlyBeforeNextUpdates}) and read what
 * it stores ({@link #datasource}, including the secret values it received) and the requests it got ({@link #requests}).
 * Thread-safe; start one per test class or per test, and close it.
 */
public final class GrafanaStandIn implements AutoCloseable {

    /** The service-account token accepted by default. */
    public static final String TOKEN = "glsa_stand-in-service-account-token";
    /** The basic-auth user accepted by default. */
    public static final String USER = "admin";
    /** The basic-auth password accepted by default. */
    public static final String PASSWORD = "stand-in-admin-password";
    /** The org a request without {@code X-Grafana-Org-Id} works in. */
    public static final long DEFAULT_ORG = 1;
    /** Grafana's RBAC actions on datasources (scope {@code datasources:uid:<uid>}, or none for create). */
    public static final String READ = "datasources:read";
    public static final String WRITE = "datasources:write";
    public static final String DELETE = "datasources:delete";
    public static final String QUERY = "datasources:query";
    public static final String CREATE = "datasources:create";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A datasource as stored: what Grafana shows ({@code json}) plus the secrets it keeps encrypted. */
    public record Datasource(long orgId, String uid, String name, long version, ObjectNode json, Map<String, String> secureJsonData) {
        public String url() {
            return json.path("url").asText();
        }

        public ObjectNode jsonData() {
            return (ObjectNode) json.path("jsonData");
        }
    }

    /** One request as received. Header names are lower case; only the first value of each is kept. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        public boolean isWrite() {
            return !method.equals("GET") && !method.equals("HEAD");
        }
    }

    private final HttpServer server;
    private final Map<Long, Map<String, Stored>> orgs = new HashMap<>();
    /** jsonData's LBAC rules: set through Grafana's LBAC API only, refused on create, kept on update. */
    private static final String LBAC_RULES = "teamHttpHeaders";
    private final Map<String, Boolean> healthOk = new HashMap<>();
    private boolean noHealthCheck;
    private final Map<String, String> healthMessage = new HashMap<>();
    private final Map<String, Duration> healthDelay = new HashMap<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "grafana-stand-in");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Integer> concurrentWrites = new HashMap<>();
    private final Map<String, Set<String>> deniedByUid = new HashMap<>();
    private boolean createDenied;
    private long nextAccessErrorId = 3_392_348_646L;
    private final List<Request> requests = new ArrayList<>();
    private long nextId = 1;
    private int servedBeforeFailures;
    private int failuresLeft;
    private int failureStatus;
    private boolean down;
    private String token = TOKEN;
    private String basicAuth = basic(USER, PASSWORD);

    private static final class Stored {
        final long orgId;
        ObjectNode json;
        final Map<String, String> secure = new LinkedHashMap<>();

        Stored(long orgId, ObjectNode json) {
            this.orgId = orgId;
            this.json = json;
        }
    }

    private GrafanaStandIn(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** Starts a stand-in on 127.0.0.1 and a free port. */
    public static GrafanaStandIn start() {
        try {
            return new GrafanaStandIn(HttpServer.create(loopback(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a stand-in serving https with the given TLS context (see {@code SelfSignedCertificate} in the tests). */
    public static GrafanaStandIn startHttps(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new GrafanaStandIn(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A connection with the accepted service-account token and no org header. */
    public GrafanaConnection tokenConnection() {
        return new GrafanaConnection(url(), TOKEN, null, null, null, null);
    }

    /** A connection with the accepted basic-auth user and the given org (null: no org header). */
    public GrafanaConnection basicAuthConnection(Long orgId) {
        return new GrafanaConnection(url(), null, USER, PASSWORD, orgId, null);
    }

    /** Changes the credentials accepted from now on (null token: no token accepted). */
    public synchronized void setCredentials(String token, String user, String password) {
        this.token = token;
        this.basicAuth = user == null ? null : basic(user, password);
    }

    // ---- what is stored -------------------------------------------------------------------------------------

    /** The datasource with this uid in the default org. */
    public Optional<Datasource> datasource(String uid) {
        return datasource(DEFAULT_ORG, uid);
    }

    public synchronized Optional<Datasource> datasource(long orgId, String uid) {
        return Optional.ofNullable(org(orgId).get(uid)).map(GrafanaStandIn::view);
    }

    /** Every datasource of every org. */
    public synchronized List<Datasource> datasources() {
        return orgs.values().stream().flatMap(m -> m.values().stream()).map(GrafanaStandIn::view).toList();
    }

    // ---- changes behind the provisioner's back ----------------------------------------------------------------

    /** Adds a datasource nobody marked as theirs (as a person would in Grafana's UI), in the default org. */
    public synchronized Datasource addForeign(String uid, String name) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("uid", uid).put("name", name).put("type", "tempo").put("access", "proxy").put("url", "http://someone-elses-tempo:3200");
        json.putObject("jsonData");
        return view(insert(DEFAULT_ORG, json, Map.of()));
    }

    /** Edits a datasource (default org) as another client would: the change sees the stored JSON; the version increments. */
    public synchronized void drift(String uid, Consumer<ObjectNode> change) {
        Stored stored = existing(uid);
        change.accept(stored.json);
        bumpVersion(stored);
    }

    /** Replaces a stored secret value (default org), as someone editing the datasource's secrets would. */
    public synchronized void driftSecret(String uid, String key, String value) {
        Stored stored = existing(uid);
        if (value == null) {
            stored.secure.remove(key);
        } else {
            stored.secure.put(key, value);
        }
        bumpVersion(stored);
    }

    /** Deletes a datasource (default org) without going through the API. */
    public synchronized void remove(String uid) {
        org(DEFAULT_ORG).remove(uid);
    }

    /** The next {@code times} PUTs on this uid find that someone else wrote it just before: their version is stale. */
    public synchronized void writeConcurrentlyBeforeNextUpdates(String uid, int times) {
        concurrentWrites.put(uid, times);
    }

    // ---- permissions ------------------------------------------------------------------------------------------

    /**
     * The credentials lose these actions ({@link #READ}, {@link #WRITE}, {@link #DELETE}, {@link #QUERY}) on the
     * datasource with this uid (in every org), whether it exists yet or not, as a scoped RBAC role or the datasource's
     * permissions would take them; reading it by name is refused with its uid.
     */
    public synchronized void deny(String uid, String... actions) {
        deniedByUid.computeIfAbsent(uid, u -> new HashSet<>()).addAll(List.of(actions));
    }

    /** The credentials lose {@link #CREATE} (Grafana scopes it to nothing: every create is refused). */
    public synchronized void denyCreate() {
        createDenied = true;
    }

    /** Every permission back. */
    public synchronized void allowAll() {
        deniedByUid.clear();
        createDenied = false;
    }

    // ---- failures and health ----------------------------------------------------------------------------------

    /** The next {@code count} requests (any) answer {@code status} with a JSON message and change nothing. */
    public synchronized void failNext(int count, int status) {
        failAfter(0, count, status);
    }

    /** The next {@code served} requests are served as usual, then {@code count} fail as {@link #failNext} says. */
    public synchronized void failAfter(int served, int count, int status) {
        servedBeforeFailures = served;
        failuresLeft = count;
        failureStatus = status;
    }

    /** While down, every connection is closed without an answer. */
    public synchronized void setDown(boolean down) {
        this.down = down;
    }

    /** What {@code /health} answers for this uid; OK ("Data source is working") unless set. */
    public synchronized void setHealth(String uid, boolean ok, String message) {
        healthOk.put(uid, ok);
        healthMessage.put(uid, message);
    }

    /**
     * As a Grafana whose Tempo plugin has no backend health check (before Grafana 12.3): {@code /health} answers
     * 404 {@code {"message": "Not found"}} for every datasource that exists.
     */
    public synchronized void withoutHealthChecks() {
        noHealthCheck = true;
    }

    /**
     * The health check of this uid answers only after {@code delay}, as Grafana's does when the datasource's URL
     * takes that long (Grafana checks a Tempo datasource by calling it).
     */
    public synchronized void delayHealth(String uid, Duration delay) {
        healthDelay.put(uid, delay);
    }

    // ---- requests seen --------------------------------------------------------------------------------------

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests that could change something (not GET). */
    public synchronized List<Request> writes() {
        return requests.stream().filter(Request::isWrite).toList();
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    // ---- the API --------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Answer answer;
            Duration delay = Duration.ZERO;
            synchronized (this) {
                String body = read(exchange.getRequestBody());
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers(exchange), body));
                List<String> path = segments(exchange);
                if (down) {
                    answer = null;
                } else if (failuresLeft > 0 && servedBeforeFailures-- <= 0) { // served the ones before first
                    failuresLeft--;
                    answer = message(failureStatus, "stand-in: injected failure");
                } else if (!authorized(exchange)) {
                    answer = message(401, "Unauthorized");
                } else if (tokenOfAnotherOrg(exchange)) {
                    answer = message(401, "API key does not belong to the requested organization");
                } else {
                    answer = route(exchange.getRequestMethod(), path, orgOf(exchange), body);
                    if (path.size() == 5 && path.get(4).equals("health")) {
                        delay = healthDelay.getOrDefault(path.get(3), Duration.ZERO);
                    }
                }
            }
            if (answer == null) {
                return; // closing before any response closes the connection: the client sees it drop
            }
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis()); // outside the lock: the other requests go on meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = MAPPER.writeValueAsBytes(answer.body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } finally {
            exchange.close();
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer route(String method, List<String> path, long orgId, String body) {
        if (path.equals(List.of("api", "org")) && method.equals("GET")) {
            return new Answer(200, MAPPER.createObjectNode().put("id", orgId).put("name", orgId == DEFAULT_ORG ? "Main Org." : "Org " + orgId));
        }
        if (path.size() < 2 || !path.get(0).equals("api") || !path.get(1).equals("datasources")) {
            return message(404, "Not found");
        }
        List<String> rest = path.subList(2, path.size());
        if (rest.isEmpty()) {
            return switch (method) {
                // Grafana filters the list by read permission rather than refusing it.
                case "GET" -> new Answer(200, MAPPER.valueToTree(org(orgId).values().stream()
                        .filter(s -> !denied(s.json.path("uid").asText(), READ)).map(s -> shown(s)).toList()));
                case "POST" -> createDenied ? accessDenied(CREATE) : create(orgId, parse(body));
                default -> message(405, "Method not allowed");
            };
        }
        if (rest.size() == 2 && rest.get(0).equals("name") && method.equals("GET")) {
            Optional<Stored> named = org(orgId).values().stream().filter(s -> s.json.path("name").asText().equals(rest.get(1))).findFirst();
            // The name scope resolves to the datasource's uid scope.
            if (named.isPresent() && denied(named.get().json.path("uid").asText(), READ)) {
                return accessDenied(READ);
            }
            return named.map(s -> new Answer(200, shown(s))).orElse(message(404, "Data source not found"));
        }
        if (rest.size() >= 2 && rest.get(0).equals("uid")) {
            String uid = rest.get(1);
            boolean isHealth = rest.size() == 3 && rest.get(2).equals("health") && method.equals("GET");
            // RBAC checks the uid's scope before anything is looked up; health is checked by the handler, after.
            String action = rest.size() != 2 ? null : switch (method) {
                case "GET" -> READ;
                case "PUT" -> WRITE;
                case "DELETE" -> DELETE;
                default -> null;
            };
            if (action != null && denied(uid, action)) {
                return accessDenied(action);
            }
            Stored stored = org(orgId).get(uid);
            if (stored == null) {
                return message(404, "Data source not found");
            }
            if (isHealth && denied(uid, QUERY)) {
                return message(403, "Access denied to datasource");
            }
            if (isHealth) {
                return health(uid);
            }
            if (rest.size() == 2) {
                return switch (method) {
                    case "GET" -> new Answer(200, shown(stored));
                    case "PUT" -> update(orgId, stored, parse(body));
                    case "DELETE" -> {
                        org(orgId).remove(rest.get(1));
                        yield message(200, "Data source deleted");
                    }
                    default -> message(405, "Method not allowed");
                };
            }
        }
        return message(404, "Not found");
    }

    private Answer create(long orgId, ObjectNode body) {
        if (body == null || body.path("name").asText("").isBlank()) {
            return message(400, "bad request data");
        }
        if (body.path("jsonData").has(LBAC_RULES)) {
            return message(403, "Cannot create datasource with team HTTP headers, need to use updateDatasourceLBACRules API");
        }
        String uid = body.path("uid").asText("");
        if (!uid.isEmpty() && org(orgId).containsKey(uid)) {
            return message(409, "data source with the same uid already exists");
        }
        if (nameTaken(orgId, body.path("name").asText(), null)) {
            return message(409, "data source with the same name already exists");
        }
        if (uid.isEmpty()) {
            body.put("uid", "gen" + nextId);
        }
        Map<String, String> secure = secrets(body);
        Stored stored = insert(orgId, body, secure);
        return written("Datasource added", stored);
    }

    private Answer update(long orgId, Stored stored, ObjectNode body) {
        if (body == null || body.path("name").asText("").isBlank()) {
            return message(400, "bad request data");
        }
        String uid = stored.json.path("uid").asText();
        Integer concurrent = concurrentWrites.get(uid);
        if (concurrent != null && concurrent > 0) {
            concurrentWrites.put(uid, concurrent - 1);
            bumpVersion(stored);
        }
        long sent = body.path("version").asLong(0);
        if (sent != 0 && sent < stored.json.path("version").asLong()) {
            return message(409, "Datasource has already been updated by someone else. Please reload and try again");
        }
        if (nameTaken(orgId, body.path("name").asText(), uid)) {
            return message(409, "data source with the same name already exists");
        }
        JsonNode lbacRules = stored.json.path("jsonData").path(LBAC_RULES);
        Map<String, String> secure = secrets(body);
        long version = stored.json.path("version").asLong() + 1;
        long id = stored.json.path("id").asLong();
        stored.json = normalised(orgId, id, uid, body);
        stored.json.put("version", version);
        if (!lbacRules.isMissingNode() && stored.json.path("jsonData") instanceof ObjectNode jsonData) {
            jsonData.set(LBAC_RULES, lbacRules); // Grafana's RetainExistingLBACRules: whatever the update sent
        }
        stored.secure.putAll(secure); // Grafana keeps secure fields that are not re-sent
        stored.secure.values().removeIf(String::isEmpty);
        return written("Datasource updated", stored);
    }

    private Answer health(String uid) {
        if (noHealthCheck) {
            return message(404, "Not found");
        }
        if (healthOk.getOrDefault(uid, true)) {
            ObjectNode ok = MAPPER.createObjectNode().put("status", "OK").put("message", healthMessage.getOrDefault(uid, "Data source is working"));
            return new Answer(200, ok);
        }
        return new Answer(400, MAPPER.createObjectNode().put("status", "ERROR").put("message", healthMessage.get(uid)));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private Stored insert(long orgId, ObjectNode body, Map<String, String> secure) {
        long id = nextId++;
        Stored stored = new Stored(orgId, normalised(orgId, id, body.path("uid").asText(), body));
        stored.json.put("version", 1);
        stored.secure.putAll(secure);
        org(orgId).put(stored.json.path("uid").asText(), stored);
        return stored;
    }

    /** The fields Grafana keeps; jsonData is taken whole, as sent. */
    private static ObjectNode normalised(long orgId, long id, String uid, ObjectNode body) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", id).put("uid", uid).put("orgId", orgId);
        json.put("name", body.path("name").asText());
        json.put("type", body.path("type").asText());
        json.put("access", body.path("access").asText("proxy"));
        json.put("url", body.path("url").asText(""));
        json.put("basicAuth", body.path("basicAuth").asBoolean(false));
        json.put("isDefault", body.path("isDefault").asBoolean(false));
        json.set("jsonData", body.path("jsonData").isObject() ? body.get("jsonData").deepCopy() : MAPPER.createObjectNode());
        json.put("readOnly", false);
        return json;
    }

    private static Map<String, String> secrets(ObjectNode body) {
        Map<String, String> secure = new LinkedHashMap<>();
        body.path("secureJsonData").fields().forEachRemaining(e -> secure.put(e.getKey(), e.getValue().asText()));
        return secure;
    }

    /** What Grafana shows of a datasource: never the secret values, only which secret fields are set. */
    private static ObjectNode shown(Stored stored) {
        ObjectNode json = stored.json.deepCopy();
        ObjectNode fields = json.putObject("secureJsonFields");
        stored.secure.keySet().forEach(k -> fields.put(k, true));
        return json;
    }

    private static Datasource view(Stored stored) {
        ObjectNode json = shown(stored);
        return new Datasource(stored.orgId, json.path("uid").asText(), json.path("name").asText(), json.path("version").asLong(),
                json, Map.copyOf(stored.secure));
    }

    private Answer written(String message, Stored stored) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("datasource", shown(stored));
        answer.put("id", stored.json.path("id").asLong());
        answer.put("message", message);
        answer.put("name", stored.json.path("name").asText());
        return new Answer(200, answer);
    }

    private boolean nameTaken(long orgId, String name, String exceptUid) {
        return org(orgId).values().stream()
                .anyMatch(s -> s.json.path("name").asText().equals(name) && !s.json.path("uid").asText().equals(exceptUid));
    }

    private Stored existing(String uid) {
        Stored stored = org(DEFAULT_ORG).get(uid);
        if (stored == null) {
            throw new IllegalArgumentException("no datasource " + uid + " in the stand-in");
        }
        return stored;
    }

    private static void bumpVersion(Stored stored) {
        stored.json.put("version", stored.json.path("version").asLong() + 1);
    }

    private Map<String, Stored> org(long orgId) {
        return orgs.computeIfAbsent(orgId, o -> new LinkedHashMap<>());
    }

    private boolean authorized(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            return false;
        }
        return (token != null && authorization.equals("Bearer " + token)) || authorization.equals(basicAuth);
    }

    private boolean tokenOfAnotherOrg(HttpExchange exchange) {
        return token != null && ("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))
                && orgOf(exchange) != DEFAULT_ORG;
    }

    private static long orgOf(HttpExchange exchange) {
        String org = exchange.getRequestHeaders().getFirst("X-Grafana-Org-Id");
        return org == null ? DEFAULT_ORG : Long.parseLong(org.trim());
    }

    private static List<String> segments(HttpExchange exchange) {
        List<String> segments = new ArrayList<>();
        for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
        return headers;
    }

    private static ObjectNode parse(String body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private boolean denied(String uid, String action) {
        return deniedByUid.getOrDefault(uid, Set.of()).contains(action);
    }

    /** Grafana's answer when RBAC refuses an action: its message names the action, the id points to its log. */
    private Answer accessDenied(String action) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("accessErrorId", "ACE" + nextAccessErrorId++);
        body.put("message", "You'll need additional permissions to perform this action. Permissions needed: " + action);
        body.put("title", "Access denied");
        return new Answer(403, body);
    }

    private static Answer message(int status, String message) {
        return new Answer(status, MAPPER.createObjectNode().put("message", message));
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

package dev.tracegate.gateway.browser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import dev.tracegate.gateway.testsupport.Browser;
import dev.tracegate.testsupport.CapturedLogs;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.RecordedRequest;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/** A browser signs in to a tenant through its issuer's code flow, as a person would, and then queries Tempo. */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class BrowserSignInTest {

    private static final String ECHO = "/api/traces/v1/team-a/tempo/api/echo";

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private final HttpClient browser = new Browser().client();

    @Test
    void signInThroughKeycloakThenQueryWithTheSessionCookie() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        String target = "/api/traces/v1/team-a/tempo/api/echo";

        // 1. The gateway sends the browser to team-a's issuer, with state, nonce and PKCE, asking for the default scopes.
        HttpResponse<String> toIssuer = get(url("/oidc/team-a/login?redirect=" + URLEncoder.encode(target,
                StandardCharsets.UTF_8)));
        assertEquals(302, toIssuer.statusCode());
        String authorize = location(toIssuer);
        assertThat(authorize, startsWith(KeycloakTestResource.authorizationEndpoint("team-a")));
        assertThat(authorize, containsString("client_id=tracegate-a"));
        assertThat(authorize, containsString("code_challenge_method=S256"));
        assertThat(authorize, containsString("nonce="));
        assertThat(authorize, containsString("state="));
        assertEquals("openid profile email", Browser.queryParameter(authorize, "scope"), "a tenant without oidc.scopes");

        // 2. Keycloak's login form, filled in as alice.
        HttpResponse<String> form = get(authorize);
        assertEquals(200, form.statusCode());
        String action = Browser.loginFormAction(form.body());
        assertTrue(action != null, "Keycloak shows its login form");
        HttpResponse<String> toCallback = browser.send(HttpRequest.newBuilder(URI.create(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice&password="
                        + KeycloakTestResource.password("alice") + "&credentialId="))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, toCallback.statusCode());
        assertThat(location(toCallback), startsWith(url("/oidc/team-a/callback")));

        // 3. The callback sets the session cookie and returns the browser to where it was going.
        HttpResponse<String> afterCallback = get(location(toCallback));
        assertEquals(302, afterCallback.statusCode());
        List<String> cookies = afterCallback.headers().allValues("Set-Cookie");
        String session = cookies.stream().filter(c -> c.startsWith("q_session_team-a")).findFirst().orElseThrow();
        assertThat(session.toLowerCase(), containsString("httponly"));
        assertThat(session.toLowerCase(), containsString("samesite=lax"));
        HttpResponse<String> backToLogin = get(absolute(location(afterCallback)));
        assertEquals(302, backToLogin.statusCode());
        assertEquals(target, location(backToLogin));

        // 4. The session reaches Tempo as team-a, and Tempo sees no cookie.
        HttpResponse<String> query = get(url(target));
        assertEquals(200, query.statusCode());
        RecordedRequest seen = tempo.lastRequest();
        assertEquals("team-a-org", seen.orgId());
        assertFalse(seen.hasHeader("Cookie"));

        // 5. The session is worthless on another tenant.
        HttpResponse<String> otherTenant = browser.send(HttpRequest.newBuilder(URI.create(url("/api/traces/v1/team-b/tempo/api/echo")))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, otherTenant.statusCode());

        // 6. The sign-out button (a form POST from the gateway's own page) drops the session cookie and, Keycloak
        //    advertising end_session_endpoint, ends the session there too (RP-initiated logout), coming back to the
        //    redirect.
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(URI.create(url("/oidc/team-a/logout")))
                .header("Origin", url("")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("redirect=%2Fsigned-out")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, logout.statusCode());
        String endSession = location(logout);
        assertThat(endSession, startsWith(KeycloakTestResource.issuer("team-a") + "/protocol/openid-connect/logout?"));
        assertThat(endSession, containsString("post_logout_redirect_uri="
                + URLEncoder.encode(url("/signed-out"), StandardCharsets.UTF_8)));
        assertThat(endSession, containsString("id_token_hint="));
        List<String> dropped = logout.headers().allValues("Set-Cookie");
        assertFalse(dropped.isEmpty());
        assertTrue(dropped.stream().allMatch(c -> c.startsWith("q_session_team-a") && c.contains("Max-Age=0")), dropped::toString);
        HttpResponse<String> afterLogout = browser.send(HttpRequest.newBuilder(URI.create(url(target)))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, afterLogout.statusCode());
        HttpResponse<String> atKeycloak = get(endSession);
        assertEquals(302, atKeycloak.statusCode(), atKeycloak.body());
        assertEquals(url("/signed-out"), location(atKeycloak));

        // 7. Keycloak's own session is over: signing in again asks for the password.
        HttpResponse<String> again = get(location(get(url("/oidc/team-a/login?redirect=/"))));
        assertEquals(200, again.statusCode());
        assertTrue(Browser.loginFormAction(again.body()) != null, "Keycloak asks to sign in again");
    }

    /** Sign-in answers count in tracegate_gateway_requests like the API's, by tenant, and once each. */
    @Test
    void signInAnswersAreCountedByTenant() throws Exception {
        double challenges = requests("team-a", "oidc-login", 302);
        double unknown = requests("unknown", "oidc-login", 404);
        double signOutPages = requests("team-b", "oidc-logout", 200);
        double errorPages = requests("team-a", "oidc-error", 401);
        double noRoute = requests("unknown", "none", 404);

        assertEquals(302, get(url("/oidc/team-a/login?redirect=/")).statusCode());
        assertEquals(404, get(url("/oidc/nobody/login")).statusCode());
        assertEquals(200, get(url("/oidc/team-b/logout")).statusCode());
        assertEquals(200, get(url("/oidc/team-b/logout/")).statusCode(), "Vert.x serves a route with a trailing slash too");
        assertEquals(401, get(url("/oidc/team-a/error")).statusCode());

        assertEquals(1, requests("team-a", "oidc-login", 302) - challenges);
        assertEquals(1, requests("unknown", "oidc-login", 404) - unknown);
        assertEquals(2, requests("team-b", "oidc-logout", 200) - signOutPages);
        assertEquals(1, requests("team-a", "oidc-error", 401) - errorPages);
        assertEquals(0, requests("unknown", "none", 404) - noRoute, "the 404 is not counted twice");

        assertEquals(404, get(url("/oidc/team-a/elsewhere")).statusCode());
        assertEquals(404, get(url("/oidc/team-a/login/more")).statusCode());
        assertEquals(404, get(url("/oidc")).statusCode());
        assertEquals(3, requests("unknown", "none", 404) - noRoute, "other paths under /oidc/ are the safety net's");
    }

    /** The counted paths are exactly those Vert.x matches to the sign-in routes ({@code /oidc/:tenant/login}...). */
    @Test
    void theCountedPathsAreThoseTheSignInRoutesServe() {
        // RouteImpl makes "/oidc/:tenant/login" the pattern "/oidc/(?<p0>[^/]+)/login/?", matched whole.
        java.util.regex.Pattern served = java.util.regex.Pattern.compile("/oidc/[^/]+/(login|callback|logout|error)/?");
        for (String path : new String[] { "/oidc", "/oidc/", "/oidc/t", "/oidc/t/", "/oidc/t/login", "/oidc/t/login/",
                "/oidc/t/login//", "/oidc/t/login/x", "/oidc/t/logins", "/oidc/t/callback", "/oidc/t/logout/",
                "/oidc/t.x-y/callback", "/oidc//login", "/oidc/t/u/login", "/oidc/login", "/oidc/t/LOGIN", "/oidc/t/error",
                "/oidc/t/errors" }) {
            java.util.regex.Matcher m = served.matcher(path);
            String expected = m.matches() ? "oidc-" + m.group(1) : null;
            assertEquals(expected, BrowserSignInRoutes.countedRoute(path), path);
        }
    }

    private double requests(String tenant, String route, int code) {
        return Scrape.requests(metrics, tenant, route, code);
    }

    @Test
    void loginRefusesToRedirectToAnotherSite() {
        for (String hostile : new String[] { "https://evil.example/", "//evil.example/x", "/\\evil.example",
                "/\t/evil.example", "/\r\nSet-Cookie: x=1", "/\u0000", "/%2F/evil.example", "/%2f%2fevil.example",
                "/%5Cevil.example", "/%09/evil.example", "/%0d%0aX: y", "/%252F/evil.example", "/%25252F%25252Fevil",
                "/%zz", "/%", "javascript:alert(1)", "evil.example", "", "/a b", "/caf\u00e9" }) {
            assertEquals("/", BrowserSignInRoutes.safeTarget(hostile), hostile);
        }
        assertEquals("/api/x?y=1", BrowserSignInRoutes.safeTarget("/api/x?y=1"));
        assertEquals("/api/traces/v1/team-a/tempo/api/search?q=%7B%7D", BrowserSignInRoutes
                .safeTarget("/api/traces/v1/team-a/tempo/api/search?q=%7B%7D"));
        assertEquals("/a:b/c", BrowserSignInRoutes.safeTarget("/a:b/c"));
    }

    /** Seen on the packaged gateway: a TAB made Location "/\t/evil.example", CR/LF made logout fail with 500. */
    @Test
    void logoutNeverRedirectsOffSiteNorSplitsHeadersNorForgesLogLines() throws Exception {
        List<java.util.logging.LogRecord> logged;
        try (CapturedLogs logs = CapturedLogs.start()) {
            for (String redirect : new String[] { "/%09/evil.example", "/%0d%0aSet-Cookie:%20forged=1",
                    "/%0aFORGED%20LOG%20LINE", "%2F%2Fevil.example", "/%5Cevil.example", "/%00", "https://evil.example",
                    "/%252F%252Fevil.example", "/api/echo?x=%250a" }) {
                String origin = "Origin: " + url("");
                RawHttp.Response inQuery = RawHttp.exchange(gateway, "POST", "/oidc/team-a/logout?redirect=" + redirect,
                        new String[] { origin }, new byte[0]);
                RawHttp.Response inForm = RawHttp.exchange(gateway, "POST", "/oidc/team-a/logout", new String[] {
                        origin, "Content-Type: application/x-www-form-urlencoded" },
                        ("redirect=" + redirect).getBytes(StandardCharsets.ISO_8859_1));
                for (RawHttp.Response response : List.of(inQuery, inForm)) {
                    assertEquals(303, response.status(), redirect);
                    assertEquals("/", response.header("Location"), redirect);
                    assertFalse(response.headers().toString().contains("forged"), redirect);
                }
                RawHttp.Response page = RawHttp.get(gateway, "/oidc/team-a/logout?redirect=" + redirect);
                assertEquals(200, page.status(), redirect);
                assertThat(page.body(), containsString("name=\"redirect\" value=\"/\""));
            }
            logged = logs.records();
        }
        for (java.util.logging.LogRecord record : logged) {
            String line = CapturedLogs.text(record);
            assertFalse(line.contains("\nFORGED") || line.contains("\rSet-Cookie"), line);
        }
    }

    /**
     * A sign-out form sent a byte at a time, each byte well within the idle timeout, would hold its connection for
     * as long as the client likes: once the time for the whole form is up it is answered 408 and the connection
     * closed, while the client goes on sending.
     */
    @Test
    void aSignOutFormThatTricklesIsCutOff() throws Exception {
        String authority = gateway.getHost() + ":" + gateway.getPort();
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            // From before the head is sent, and read once the answer is in: never less than the gateway's own wait.
            long started = System.nanoTime();
            socket.getOutputStream().write(("POST /oidc/team-a/logout HTTP/1.1\r\nHost: " + authority + "\r\nOrigin: http://"
                    + authority + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n"
                    + "redirect=/").getBytes(StandardCharsets.ISO_8859_1));
            PushbackInputStream in = new PushbackInputStream(socket.getInputStream());
            socket.setSoTimeout(200);
            long answeredAfter = -1;
            while (answeredAfter < 0) {
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(elapsed < BrowserSignInRoutes.FORM_READ_MILLIS + 10_000, "no answer after " + elapsed + " ms");
                socket.getOutputStream().write('x');
                try {
                    int first = in.read();
                    assertTrue(first >= 0, "closed without an answer");
                    in.unread(first);
                    answeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                } catch (SocketTimeoutException stillReading) {
                    // The gateway is still waiting for the rest of the form.
                }
            }
            socket.setSoTimeout(5000);
            RawHttp.Response answer = RawHttp.readResponse(in);
            assertEquals(408, answer.status());
            assertEquals("close", answer.header("connection"));
            assertEquals("request_timeout", new JsonObject(answer.body()).getString("error"));
            // Not cut at once, nor by a wait between bytes: by the wait for the whole form.
            assertTrue(answeredAfter >= BrowserSignInRoutes.FORM_READ_MILLIS - 2000, "answered after " + answeredAfter + " ms");
            socket.setSoTimeout(10_000);
            assertEquals(-1, RawHttp.nextByteOrEnd(in), "closed after the answer");
        }
    }

    /** A link, or another site's {@code <img>}, reaches the page with the button: the session stays. */
    @Test
    void aSignOutLinkOnlyShowsTheButtonAndTheSessionStays() throws Exception {
        Browser alice = signedIn();
        HttpResponse<String> page = alice.get(url("/oidc/team-a/logout?redirect=/signed-out"));
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(null));
        String issuerOrigin = KeycloakTestResource.issuer("team-a").replaceAll("^(https?://[^/]+).*$", "$1");
        assertEquals("default-src 'none'; form-action 'self' " + issuerOrigin,
                page.headers().firstValue("Content-Security-Policy").orElse(null));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null));
        assertThat(page.body(), containsString("<form method=\"post\" action=\"/oidc/team-a/logout\">"));
        assertThat(page.body(), containsString("<input type=\"hidden\" name=\"redirect\" value=\"/signed-out\">"));
        assertThat(page.body(), containsString("<button type=\"submit\">Sign out</button>"));
        assertFalse(page.body().contains("<script") || page.body().contains("src=") || page.body().contains("href="),
                "nothing loaded, nothing run");
        assertTrue(page.headers().allValues("Set-Cookie").isEmpty(), "no cookie dropped");
        assertEquals(200, alice.get(url(ECHO), "Accept", "application/json").statusCode(), "still signed in");

        // What the page writes back is escaped: a redirect that is a local path may still hold quotes and brackets.
        RawHttp.Response hostile = RawHttp.get(gateway,
                "/oidc/team-a/logout?redirect=/x%22%3E%3Cscript%3Ealert(1)%3C/script%3E%27%26");
        assertThat(hostile.body(), containsString("value=\"/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;\">"));
        assertFalse(hostile.body().contains("<script"));
        RawHttp.Response head = RawHttp.exchange(gateway, "HEAD", "/oidc/team-a/logout", new String[0], null);
        assertEquals(200, head.status());
        assertEquals("", head.body());
    }

    /**
     * A visit to another tenant's sign-in, which any site can make a browser pay with one link, leaves the session the
     * browser holds. quarkus-oidc guesses a request's tenant from the first session or state cookie it carries; the
     * gateway puts the path's tenant in its place, or quarkus-oidc would drop team-a's session as "the previous
     * tenant's" when it sends the browser to team-b's issuer.
     */
    @Test
    void anotherTenantsSignInLeavesTheSessionOfThisOne() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        Browser alice = signedIn();

        HttpResponse<String> toTeamB = alice.get(url("/oidc/team-b/login"));
        assertEquals(302, toTeamB.statusCode());
        assertThat(Browser.location(toTeamB), startsWith(KeycloakTestResource.authorizationEndpoint("team-b")));
        List<String> set = toTeamB.headers().allValues("Set-Cookie");
        assertTrue(set.stream().noneMatch(c -> c.startsWith("q_session_team-a")), set::toString);
        // Nor does its callback, reached without the issuer's answer.
        HttpResponse<String> teamBCallback = alice.get(url("/oidc/team-b/callback"));
        assertEquals(302, teamBCallback.statusCode());
        set = teamBCallback.headers().allValues("Set-Cookie");
        assertTrue(set.stream().noneMatch(c -> c.startsWith("q_session_team-a")), set::toString);
        assertEquals(200, alice.get(url(ECHO), "Accept", "application/json").statusCode(), "still signed in to team-a");
        assertEquals("team-a-org", tempo.lastRequest().orgId());
    }

    /** A form POST another site's page makes the browser send: refused, nothing dropped, the session stays. */
    @Test
    void signOutFromAnotherSiteOrWithoutOriginIsRefusedAndTheSessionStays() throws Exception {
        Browser alice = signedIn();
        String logout = url("/oidc/team-a/logout");
        for (String[] header : new String[][] { { "Origin", "https://evil.example" }, { "Origin", "null" },
                { "Referer", "https://evil.example/page" }, { "X-Nothing", "neither Origin nor Referer" } }) {
            HttpResponse<String> refused = alice.postForm(logout, "redirect=%2Fsigned-out", header);
            String what = header[0] + ": " + header[1];
            assertEquals(403, refused.statusCode(), what);
            assertEquals("application/json", refused.headers().firstValue("Content-Type").orElse(null), what);
            assertEquals("cross_origin", new JsonObject(refused.body()).getString("error"), what);
            assertTrue(refused.headers().allValues("Set-Cookie").isEmpty(), what);
            assertEquals(200, alice.get(url(ECHO), "Accept", "application/json").statusCode(), "still signed in: " + what);
        }

        // Without Origin, a Referer on the gateway's own page will do.
        HttpResponse<String> fromOwnPage = alice.postForm(logout, "", "Referer", logout + "?redirect=/x");
        assertEquals(303, fromOwnPage.statusCode());
        assertEquals(401, alice.get(url(ECHO), "Accept", "application/json").statusCode(), "signed out");
    }

    /**
     * Sign-out drops the tenant's session cookie and the chunks quarkus-oidc splits a large one into
     * ({@code _chunk_<n>}); not the cookie of a tenant whose name merely starts alike, nor another tenant's.
     */
    @Test
    void signOutDropsTheTenantsSessionCookiesAndNoOtherTenants() throws Exception {
        HttpResponse<String> out = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url("/oidc/team-a/logout?redirect=/x"))).header("Origin", url(""))
                .header("Cookie", "q_session_team-a=1; q_session_team-a_chunk_1=2; q_session_team-a_chunk_12=3; "
                        + "q_session_team-a_chunk_x=4; q_session_team-a_chunk_1.b=5; q_session_team-b=6")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, out.statusCode());
        List<String> dropped = out.headers().allValues("Set-Cookie");
        assertTrue(dropped.stream().allMatch(c -> c.contains("Max-Age=0")), dropped::toString);
        assertEquals(List.of("q_session_team-a", "q_session_team-a_chunk_1", "q_session_team-a_chunk_12"),
                dropped.stream().map(c -> c.substring(0, c.indexOf('='))).sorted().toList());
    }

    @Test
    void signOutReadsASmallFormOnly() throws Exception {
        String origin = "Origin: " + url("");
        String cookie = "Cookie: q_session_team-a=kept";
        byte[] large = ("redirect=/" + "a".repeat(BrowserSignInRoutes.MAX_FORM_BYTES)).getBytes(StandardCharsets.US_ASCII);
        RawHttp.Response declared = RawHttp.exchange(gateway, "POST", "/oidc/team-a/logout", new String[] { origin,
                cookie, "Content-Type: application/x-www-form-urlencoded" }, large);
        assertEquals(413, declared.status());
        assertEquals("payload_too_large", new JsonObject(declared.body()).getString("error"));
        assertEquals(null, declared.header("Set-Cookie"), "nothing dropped");

        // Chunked: no Content-Length to refuse up front; counted as it arrives.
        HttpResponse<String> chunked = browser.send(HttpRequest.newBuilder(URI.create(url("/oidc/team-a/logout")))
                .header("Origin", url("")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode());
        assertEquals("payload_too_large", new JsonObject(chunked.body()).getString("error"));

        RawHttp.Response malformed = RawHttp.exchange(gateway, "POST", "/oidc/team-a/logout", new String[] { origin,
                cookie, "Content-Type: application/x-www-form-urlencoded" }, "redirect=%zz".getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, malformed.status());
        assertEquals("bad_request", new JsonObject(malformed.body()).getString("error"));
        assertEquals(null, malformed.header("Set-Cookie"), "nothing dropped");
    }

    @Test
    void unknownTenantIs404AndOtherMethods405() throws Exception {
        for (String method : new String[] { "GET", "POST" }) {
            RawHttp.Response unknown = RawHttp.exchange(gateway, method, "/oidc/nobody/logout",
                    new String[] { "Origin: " + url("") }, method.equals("POST") ? new byte[0] : null);
            assertEquals(404, unknown.status(), method);
            assertEquals("not_found", new JsonObject(unknown.body()).getString("error"), method);
        }
        Map<String, String> allowed = Map.of("logout", "GET, HEAD, POST", "login", "GET", "callback", "GET, POST",
                "error", "GET");
        for (Map.Entry<String, String> path : allowed.entrySet()) {
            for (String method : new String[] { "PUT", "DELETE", "PATCH" }) {
                String what = method + " " + path.getKey();
                RawHttp.Response other = RawHttp.exchange(gateway, method, "/oidc/team-a/" + path.getKey(),
                        new String[] { "Origin: " + url("") }, new byte[0]);
                assertEquals(405, other.status(), what);
                assertEquals("method_not_allowed", new JsonObject(other.body()).getString("error"), what);
                assertEquals(path.getValue(), other.header("Allow"), what);
            }
        }
        RawHttp.Response unknownTenant = RawHttp.exchange(gateway, "PUT", "/oidc/nobody/login", new String[0], new byte[0]);
        assertEquals(404, unknownTenant.status());
    }

    /**
     * A session cookie the gateway can no longer read (its key changed; or its ID token expired and could not be
     * refreshed): a browser asking for a page is sent to sign in again and the cookie is dropped, rather than shown
     * a JSON 401 on every click until the cookie expires. An API client still gets the 401.
     */
    @Test
    void aBrowserWhoseSessionNoLongerVerifiesIsSentToSignInAgain() throws Exception {
        Browser alice = signedIn();
        assertTrue(alice.overwriteCookies(url("/"), "q_session_team-a", "no-longer-readable") > 0);

        HttpResponse<String> api = alice.get(url(ECHO), "Accept", "application/json");
        assertEquals(401, api.statusCode());
        assertEquals("Bearer realm=\"team-a\", error=\"invalid_token\"",
                api.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals("unauthorized", new JsonObject(api.body()).getString("error"));
        assertTrue(api.headers().allValues("Set-Cookie").isEmpty(), "nothing dropped");

        HttpResponse<String> withBadToken = alice.get(url(ECHO), "Authorization", "Bearer not.a.jwt");
        assertEquals(401, withBadToken.statusCode(), "a page asked for with a token: the token is what failed");
        assertTrue(withBadToken.headers().allValues("Set-Cookie").isEmpty(), "nothing dropped");

        HttpResponse<String> page = alice.get(url(ECHO));
        assertEquals(302, page.statusCode(), page.body());
        assertEquals("/oidc/team-a/login?redirect=" + URLEncoder.encode(ECHO, StandardCharsets.UTF_8), location(page));
        List<String> dropped = page.headers().allValues("Set-Cookie");
        assertFalse(dropped.isEmpty(), "the unreadable session cookie is dropped");
        assertTrue(dropped.stream().allMatch(c -> c.startsWith("q_session_team-a") && c.contains("Max-Age=0")),
                dropped::toString);

        // Keycloak's own session is still open: the sign-in needs no password and ends where alice was going.
        HttpResponse<String> toIssuer = alice.get(url(location(page)));
        assertThat(location(toIssuer), startsWith(KeycloakTestResource.authorizationEndpoint("team-a")));
        HttpResponse<String> toCallback = alice.get(location(toIssuer));
        assertEquals(302, toCallback.statusCode(), "Keycloak asks for no password");
        HttpResponse<String> afterCallback = alice.get(location(toCallback));
        assertEquals(ECHO, location(alice.get(absolute(location(afterCallback)))));
        assertEquals(200, alice.get(url(ECHO)).statusCode(), "signed in again");
    }

    /** alice, signed in to team-a through Keycloak's code flow, in a browser of her own. */
    private Browser signedIn() throws Exception {
        Browser alice = new Browser();
        HttpResponse<String> form = alice.get(Browser.location(alice.get(url("/oidc/team-a/login?redirect=" + ECHO))));
        String action = Browser.loginFormAction(form.body());
        assertTrue(action != null, "Keycloak shows its login form");
        HttpResponse<String> afterCallback = alice.get(Browser.location(alice.submitLogin(action, KeycloakTestResource.ALICE)));
        assertEquals(302, afterCallback.statusCode(), afterCallback.body());
        assertEquals(ECHO, Browser.location(alice.get(absolute(Browser.location(afterCallback)))));
        assertEquals(200, alice.get(url(ECHO), "Accept", "application/json").statusCode(), "signed in");
        return alice;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(30)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String url(String path) {
        return gateway.toString().replaceAll("/$", "") + path;
    }

    private String absolute(String location) {
        return location.startsWith("/") ? url(location) : location;
    }

    private static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location"));
    }
}

package dev.tracegate.gateway.browser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import dev.tracegate.gateway.testsupport.Browser;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.testsupport.CapturedLogs;

/**
 * An issuer that answers a sign-in with an error instead of a code ({@code ?error=...&error_description=...&state=...}
 * at the callback) ends the sign-in at {@code /oidc/<tenant>/error}: a short JSON answer that names the issuer's error
 * only when it is a registered code, and one log line in which nothing the client sent can start another.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class SignInErrorTest {

    /** A description that would write a line of its own into the log, were it logged as it comes. */
    private static final String FORGED = "x%0a12:00:00,000%20INFO%20%20%5Bio.qua.htt.access%5D%20FORGED%20LINE";

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void theIssuersErrorCodeIsAnsweredAsJsonWithoutItsDescription() throws Exception {
        Browser browser = new Browser();
        String authorize = Browser.location(browser.get(url("/oidc/team-a/login?redirect=/x")));
        // prompt=none and no session at Keycloak: the issuer itself answers login_required.
        HttpResponse<String> toCallback = browser.get(authorize + "&prompt=none");
        String callback = Browser.location(toCallback);
        assertThat(callback, startsWith(url("/oidc/team-a/callback?")));
        assertEquals("login_required", Browser.queryParameter(callback, "error"));

        HttpResponse<String> toErrorPage = browser.get(callback);
        assertEquals(302, toErrorPage.statusCode());
        assertThat(Browser.location(toErrorPage), startsWith(url("/oidc/team-a/error?")));
        List<String> cookies = toErrorPage.headers().allValues("Set-Cookie");
        assertTrue(cookies.stream().allMatch(c -> c.startsWith("q_auth_team-a_") && c.contains("Max-Age=0")),
                "the state cookie is dropped, no session made: " + cookies);

        HttpResponse<String> page = browser.get(Browser.location(toErrorPage));
        assertEquals(401, page.statusCode());
        assertEquals("application/json", page.headers().firstValue("Content-Type").orElse(null));
        assertEquals("Bearer realm=\"team-a\"", page.headers().firstValue("WWW-Authenticate").orElse(null));
        JsonObject body = new JsonObject(page.body());
        assertEquals("login_required", body.getString("error"));
        assertEquals("the sign-in to tenant team-a did not complete: its issuer answered login_required; "
                + "GET /oidc/team-a/login to sign in again", body.getString("message"));
    }

    /**
     * Before the error page, quarkus-oidc logged a callback's error_description as it came, at ERROR: a client holding
     * a state of its own (one GET of the login page) wrote any line it liked into the gateway's log.
     */
    @Test
    void aForgedErrorDescriptionAtTheCallbackWritesNoLineOfItsOwn() throws Exception {
        Browser eve = new Browser();
        String state = Browser.queryParameter(Browser.location(eve.get(url("/oidc/team-a/login"))), "state");
        HttpResponse<String> page;
        List<LogRecord> logged;
        try (CapturedLogs logs = CapturedLogs.start()) {
            HttpResponse<String> toErrorPage = eve.get(url("/oidc/team-a/callback?state=" + state
                    + "&error=access_denied&error_description=" + FORGED));
            assertEquals(302, toErrorPage.statusCode(), toErrorPage.body());
            page = eve.get(Browser.location(toErrorPage));
            logged = logs.records();
        }
        assertEquals(403, page.statusCode());
        assertEquals("access_denied", new JsonObject(page.body()).getString("error"));
        assertFalse(page.body().contains("FORGED"), page.body());
        assertOneEscapedLine(logged, 1);
    }

    /**
     * Anyone may call the page with anything: it answers the generic code unless the error is exactly a registered
     * one, echoes nothing else, makes and drops no cookie, and logs one escaped line per call.
     */
    @Test
    void aDirectCallWithHostileParametersGetsTheGenericAnswer() throws Exception {
        String[] queries = { "", "?error=%3Cscript%3Ealert(1)%3C/script%3E&error_description=" + FORGED,
                "?error=access_denied%0aFORGED", "?error=ACCESS_DENIED", "?error_description=" + FORGED,
                "?error=" + "a".repeat(3000) + "&state=forged&redirect=//evil.example" };
        List<LogRecord> logged;
        try (CapturedLogs logs = CapturedLogs.start()) {
            for (String query : queries) {
                RawHttp.Response page = RawHttp.get(gateway, "/oidc/team-a/error" + query,
                        "Cookie: q_session_team-a=kept; q_auth_team-a_forged=kept");
                String what = query.length() > 80 ? query.substring(0, 80) : query;
                assertEquals(401, page.status(), what);
                assertEquals("application/json", page.header("Content-Type"), what);
                assertEquals("no-store", page.header("Cache-Control"), what);
                assertEquals(null, page.header("Set-Cookie"), what);
                JsonObject body = new JsonObject(page.body());
                assertEquals("sign_in_failed", body.getString("error"), what);
                assertEquals("the sign-in to tenant team-a did not complete; GET /oidc/team-a/login to sign in again",
                        body.getString("message"), what);
            }
            logged = logs.records();
        }
        assertOneEscapedLine(logged, 3);
    }

    /**
     * A callback with a state of its own but a code the issuer does not exchange (forged here; a code used before,
     * after the Back button, is refused the same way) ends with the same short JSON 401, not Quarkus' empty one.
     */
    @Test
    void aCodeTheIssuerWillNotExchangeIsAnsweredAsJson() throws Exception {
        Browser eve = new Browser();
        String state = Browser.queryParameter(Browser.location(eve.get(url("/oidc/team-a/login"))), "state");

        HttpResponse<String> answer = eve.get(url("/oidc/team-a/callback?state=" + state + "&code=forged-code"));

        assertEquals(401, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
        JsonObject body = new JsonObject(answer.body());
        assertEquals("sign_in_failed", body.getString("error"));
        assertEquals("the sign-in to tenant team-a did not complete: its issuer did not accept the code; "
                + "GET /oidc/team-a/login to sign in again", body.getString("message"));
    }

    /** The records that mention the forged line: {@code expected} of them, none starting a line of its own. */
    private static void assertOneEscapedLine(List<LogRecord> logged, int expected) {
        List<String> forged = logged.stream().map(CapturedLogs::text).filter(line -> line.contains("FORGED")).toList();
        assertEquals(expected, forged.size(), forged::toString);
        for (String line : forged) {
            assertFalse(line.contains("\n") || line.contains("\r"), line);
        }
    }

    private String url(String path) {
        return gateway.toString().replaceAll("/$", "") + path;
    }
}

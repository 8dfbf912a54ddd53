package dev.tracegate.gateway.browser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.tracegate.gateway.testsupport.Browser;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * team-a's gateway sits behind a TLS-terminating Ingress at {@code https://gateway.tracegate.test}, its configured
 * redirectURL. That URL, not the request's Host, decides the code flow's redirect_uri, the session cookie's
 * {@code Secure} flag and the origin a cookie-authenticated write must come from. ({@link ConfiguredPublicUrlTest}
 * runs the same tests with {@code tracegate.public-url} in place of the redirectURL.)
 */
@QuarkusTest
@TestProfile(ConfiguredRedirectUrlTest.BehindHttpsIngress.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class ConfiguredRedirectUrlTest {

    static final String PUBLIC = "https://gateway.tracegate.test";
    private static final String REDIRECT_URL = PUBLIC + "/oidc/team-a/callback";

    public static class BehindHttpsIngress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", "src/test/resources/tenants/with-redirect-url.yaml");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void redirectUriIsTheConfiguredRedirectUrlWhateverTheHostHeader() throws Exception {
        assertSignInCalledBackAt("team-a", REDIRECT_URL);
    }

    /** A sign-in started with a Host of an attacker's choosing still has the issuer call back at redirectUri. */
    void assertSignInCalledBackAt(String tenant, String redirectUri) throws Exception {
        RawHttp.Response login = RawHttp.get(gateway, "/oidc/" + tenant + "/login?redirect=/api/echo",
                "Host: evil.example", "Accept: text/html");
        assertEquals(302, login.status());
        assertThat(login.header("Location"), startsWith(KeycloakTestResource.authorizationEndpoint(tenant)));
        assertThat(login.header("Location"), containsString(
                "redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8) + "&"));
        assertThat(login.header("Set-Cookie"), startsWith("q_auth_" + tenant));
        assertThat(login.header("Set-Cookie").toLowerCase(), containsString("secure"));
    }

    @Test
    void cookieAuthenticatedWritesMustComeFromTheGatewaysOwnOrigin() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        Browser browser = signedInAs(KeycloakTestResource.ALICE);
        String spans = url("/api/traces/v1/team-a/v1/traces");

        // A page of another site makes the browser POST with its cookie (a "simple" text/plain request).
        assertCrossOrigin(browser, spans, "Origin", "https://evil.example");
        assertCrossOrigin(browser, spans, "Origin", "null");
        // The Host the request came to is not the gateway's origin: the configured redirectURL's is.
        assertCrossOrigin(browser, spans, "Origin", url(""));
        assertCrossOrigin(browser, spans, "Referer", "https://evil.example/page");
        assertCrossOrigin(browser, spans, "X-Nothing", "neither Origin nor Referer");
        assertEquals(0, tempo.requests().size());

        assertEquals(200, post(browser, spans, "Origin", PUBLIC).statusCode());
        assertEquals(200, post(browser, spans, "Referer", PUBLIC + "/some/page").statusCode());
        // Reads need no origin; bearer-token writes are not the browser's doing.
        assertEquals(200, browser.get(url("/api/traces/v1/team-a/tempo/api/echo"), "Accept", "application/json")
                .statusCode());
        HttpResponse<String> bearer = new Browser().client().send(HttpRequest.newBuilder(URI.create(spans))
                .header("Authorization", "Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceSpans\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bearer.statusCode());
        assertEquals(4, tempo.requests().size());
    }

    /** Sign-out is a write too: its POST must come from a page at the configured origin. */
    @Test
    void signOutMustComeFromTheGatewaysOwnOrigin() throws Exception {
        Browser browser = signedInAs(KeycloakTestResource.ALICE);
        String logout = url("/oidc/team-a/logout");
        String echo = url("/api/traces/v1/team-a/tempo/api/echo");

        HttpResponse<String> fromHost = browser.postForm(logout, "redirect=%2Fsigned-out", "Origin", url(""));
        assertEquals(403, fromHost.statusCode(), "the Host the request came to is not the gateway's origin");
        assertEquals("cross_origin", new JsonObject(fromHost.body()).getString("error"));
        assertEquals(200, browser.get(echo, "Accept", "application/json").statusCode(), "still signed in");

        HttpResponse<String> fromPage = browser.postForm(logout, "redirect=%2Fsigned-out", "Origin", PUBLIC);
        assertEquals(303, fromPage.statusCode());
        assertThat(Browser.location(fromPage), containsString("post_logout_redirect_uri="
                + URLEncoder.encode(PUBLIC + "/signed-out", StandardCharsets.UTF_8)));
        assertEquals(401, browser.get(echo, "Accept", "application/json").statusCode(), "signed out");
    }

    /** The code flow through Keycloak; the Ingress would bring the browser from PUBLIC to the gateway. */
    private Browser signedInAs(String user) throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> toIssuer = browser.get(url("/oidc/team-a/login?redirect=/api/echo"));
        HttpResponse<String> form = browser.get(Browser.location(toIssuer));
        String action = Browser.loginFormAction(form.body());
        assertNotNull(action, "Keycloak shows its login form");
        String callback = Browser.location(browser.submitLogin(action, user));
        assertThat(callback, startsWith(REDIRECT_URL + "?"));
        HttpResponse<String> afterCallback = browser.get(viaIngress(callback));
        assertEquals(302, afterCallback.statusCode(), afterCallback.body());
        String session = afterCallback.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("q_session_team-a")).findFirst().orElseThrow();
        assertThat(session.toLowerCase(), containsString("secure"));
        assertThat(Browser.location(afterCallback), startsWith(PUBLIC + "/oidc/team-a/login"));
        return browser;
    }

    private void assertCrossOrigin(Browser browser, String target, String header, String value) throws Exception {
        HttpResponse<String> refused = post(browser, target, header, value);
        assertEquals(403, refused.statusCode(), header + ": " + value);
        assertEquals("cross_origin", new JsonObject(refused.body()).getString("error"));
    }

    private static HttpResponse<String> post(Browser browser, String target, String header, String value)
            throws Exception {
        return browser.client().send(HttpRequest.newBuilder(URI.create(target))
                .header(header, value).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceSpans\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String viaIngress(String publicUrl) {
        assertTrue(publicUrl.startsWith(PUBLIC), publicUrl);
        return url(publicUrl.substring(PUBLIC.length()));
    }

    String url(String path) {
        return gateway.toString().replaceAll("/$", "") + path;
    }
}

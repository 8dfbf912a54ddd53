package dev.tracegate.gateway.testsupport;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ANNA;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ARNOLD;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BELLA;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BERT;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BOB;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.CLIENT_A;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.CLIENT_A_SECRET;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.CLIENT_B;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.CLIENT_B_SECRET;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.OTHER_CLIENT;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.OTHER_CLIENT_SECRET;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.REALM_A;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.REALM_B;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.claims;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Keycloak of the end-to-end tests, without Quarkus: realms, claims, and the code flow's redirect URIs. */
class KeycloakTestResourceTest {

    private static final Pattern FORM_ACTION = Pattern.compile(
            "<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"");

    @BeforeAll
    static void startKeycloak() {
        Map<String, String> config = new KeycloakTestResource().start();
        assertEquals(KeycloakTestResource.url(), config.get("keycloak.url"));
        assertTrue(KeycloakTestResource.url().matches("http://127\\.0\\.0\\.1:\\d+"), KeycloakTestResource.url());
    }

    @Test
    void startedOncePerJvm() {
        String first = KeycloakTestResource.url();
        // Quarkus calls start() again for each test profile: same Keycloak
        assertEquals(Map.of("keycloak.url", first), new KeycloakTestResource().start());
        new KeycloakTestResource().stop(); // a no-op: Keycloak lives until the JVM exits
        assertEquals(first, KeycloakTestResource.url());
    }

    @Test
    void aliceOfTeamA() {
        KeycloakTestResource.Tokens tokens = KeycloakTestResource.passwordGrant(REALM_A, CLIENT_A, CLIENT_A_SECRET,
                ALICE, "alice-password");
        Map<String, Object> access = claims(tokens.accessToken());
        assertTrue(((String) access.get("iss")).endsWith("/realms/team-a"), (String) access.get("iss"));
        assertEquals(KeycloakTestResource.issuer(REALM_A), access.get("iss"));
        assertTrue(audience(access).contains(CLIENT_A), () -> "aud: " + access.get("aud"));
        assertEquals(List.of("a-readers", "a-writers"), access.get("groups"));
        assertEquals("alice@example.com", access.get("email"));
        assertEquals("alice", access.get("preferred_username"));
        assertNotNull(access.get("sub"));
        // 15 minutes
        assertEquals(900L, ((Number) access.get("exp")).longValue() - ((Number) access.get("iat")).longValue());
        // Keycloak counts expires_in from the moment it answers, so a second boundary crossed makes it 899
        assertTrue(tokens.expiresIn() > 890 && tokens.expiresIn() <= 900, () -> "expires_in: " + tokens.expiresIn());

        Map<String, Object> id = claims(tokens.idToken());
        assertEquals(List.of("a-readers", "a-writers"), id.get("groups"));
        assertEquals("alice@example.com", id.get("email"));
        assertEquals(CLIENT_A, id.get("aud"));

        // the shortcut gives the same kind of token
        assertEquals(access.get("sub"), claims(KeycloakTestResource.accessToken(ALICE)).get("sub"));
        assertFalse(tokens.toString().contains(tokens.accessToken()), "tokens are never printed");
    }

    @Test
    void bobOfTeamB() {
        Map<String, Object> access = claims(
                KeycloakTestResource.accessToken(REALM_B, CLIENT_B, CLIENT_B_SECRET, BOB, "bob-password"));
        assertTrue(((String) access.get("iss")).endsWith("/realms/team-b"), (String) access.get("iss"));
        assertTrue(audience(access).contains(CLIENT_B), () -> "aud: " + access.get("aud"));
        assertFalse(audience(access).contains(CLIENT_A));
        assertEquals(List.of("b-readers", "b-writers"), access.get("groups"));
        assertEquals("bob@example.com", access.get("email"));
    }

    @Test
    void otherUsersAndGroups() {
        assertEquals(List.of("a-readers"), claims(KeycloakTestResource.accessToken(ANNA)).get("groups"));
        assertEquals(List.of("b-readers"), claims(KeycloakTestResource.accessToken(BELLA)).get("groups"));
        Map<String, Object> arnold = claims(KeycloakTestResource.accessToken(ARNOLD));
        assertFalse(arnold.containsKey("groups"), "no group, no claim: " + arnold.get("groups"));
        assertEquals("arnold@example.com", arnold.get("email"));
        assertEquals(true, arnold.get("email_verified"));
        Map<String, Object> bert = claims(KeycloakTestResource.accessToken(BERT));
        assertEquals("bert@example.com", bert.get("email"));
        assertEquals(false, bert.get("email_verified"), "bert's address is not verified");
    }

    @Test
    void otherClientHasNoTracegateAudience() {
        Map<String, Object> access = claims(KeycloakTestResource.accessToken(REALM_A, OTHER_CLIENT,
                OTHER_CLIENT_SECRET, ALICE, "alice-password"));
        assertEquals(KeycloakTestResource.issuer(REALM_A), access.get("iss"));
        assertFalse(audience(access).contains(CLIENT_A), () -> "aud: " + access.get("aud"));
        assertEquals(OTHER_CLIENT, access.get("azp"));
        // otherwise the same claims: only the audience should make a gateway refuse it
        assertEquals(List.of("a-readers", "a-writers"), access.get("groups"));
        assertEquals("alice@example.com", access.get("email"));
    }

    @Test
    void clientCredentials() {
        Map<String, Object> access = claims(
                KeycloakTestResource.clientCredentialsToken(REALM_A, CLIENT_A, CLIENT_A_SECRET));
        assertTrue(audience(access).contains(CLIENT_A), () -> "aud: " + access.get("aud"));
        assertEquals(List.of("a-writers"), access.get("groups"));
        assertEquals("service-account-tracegate-a", access.get("preferred_username"));
        Map<String, Object> b = claims(KeycloakTestResource.clientCredentialsToken(REALM_B, CLIENT_B, CLIENT_B_SECRET));
        assertEquals(List.of("b-writers"), b.get("groups"));
    }

    @Test
    void refusals() {
        IllegalStateException wrongPassword = assertThrows(IllegalStateException.class,
                () -> KeycloakTestResource.accessToken(REALM_A, CLIENT_A, CLIENT_A_SECRET, ALICE, "wrong"));
        assertTrue(wrongPassword.getMessage().contains("invalid_grant"), wrongPassword.getMessage());
        // a user of team-a does not exist in team-b
        assertThrows(IllegalStateException.class,
                () -> KeycloakTestResource.accessToken(REALM_B, CLIENT_B, CLIENT_B_SECRET, ALICE, "alice-password"));
        IllegalStateException wrongSecret = assertThrows(IllegalStateException.class,
                () -> KeycloakTestResource.clientCredentialsToken(REALM_A, CLIENT_A, "nope"));
        assertTrue(wrongSecret.getMessage().contains("401"), wrongSecret.getMessage());
    }

    @Test
    void authorizationCodeFlowToARandomPortOf127001() throws Exception {
        // cookies by hand: Keycloak marks them Secure (browsers take that from http://127.0.0.1, Java's
        // CookieManager does not)
        HttpClient browser = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String redirectUri = "http://127.0.0.1:43117/oidc/team-a/callback";
        String state = UUID.randomUUID().toString();
        String nonce = UUID.randomUUID().toString();
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));

        HttpResponse<String> loginPage = browser.send(
                get(authUrl(REALM_A, CLIENT_A, redirectUri, state, nonce, challenge)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, loginPage.statusCode());
        assertFalse(loginPage.body().contains("Invalid parameter"), "redirect_uri refused");
        Matcher action = FORM_ACTION.matcher(loginPage.body());
        assertTrue(action.find(), "login form expected");

        String cookies = loginPage.headers().allValues("Set-Cookie").stream()
                .map(c -> c.split(";", 2)[0].trim())
                .collect(java.util.stream.Collectors.joining("; "));
        String form = "username=" + enc(ALICE) + "&password=" + enc("alice-password") + "&credentialId=";
        HttpResponse<String> afterLogin = browser.send(HttpRequest.newBuilder(URI.create(htmlUnescape(
                action.group(1) != null ? action.group(1) : action.group(2))))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookies)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, afterLogin.statusCode(), "login should redirect back to the gateway");
        String location = afterLogin.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(redirectUri + "?"), "redirected to " + location.replaceAll("code=[^&]*", "code=…"));
        Map<String, String> params = queryParams(URI.create(location).getRawQuery());
        assertEquals(state, params.get("state"));
        assertNotNull(params.get("code"));

        KeycloakTestResource.Tokens tokens = KeycloakTestResource.exchangeCode(REALM_A, CLIENT_A, CLIENT_A_SECRET,
                params.get("code"), redirectUri, verifier);
        Map<String, Object> id = claims(tokens.idToken());
        assertEquals(nonce, id.get("nonce"));
        assertEquals(List.of("a-readers", "a-writers"), id.get("groups"));
        assertEquals("alice@example.com", id.get("email"));
        assertTrue(audience(claims(tokens.accessToken())).contains(CLIENT_A));
    }

    @Test
    void redirectUris() throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        // any port and path of localhost too, and team-b the same way
        for (String[] c : List.of(new String[] { REALM_A, CLIENT_A, "http://localhost:51234/oidc/team-a/callback" },
                new String[] { REALM_B, CLIENT_B, "http://127.0.0.1:40001/oidc/team-b/callback" })) {
            HttpResponse<String> page = client.send(get(authUrl(c[0], c[1], c[2], "s", "n", null)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), c[2]);
            assertTrue(page.body().contains("kc-form-login"), c[2]);
        }
        // anything else is refused, so the 200s above prove the configuration
        for (String bad : List.of("http://evil.example/oidc/team-a/callback",
                "http://127.0.0.1.evil.example/oidc/team-a/callback", "https://127.0.0.1:43117/oidc/team-a/callback")) {
            HttpResponse<String> page = client.send(get(authUrl(REALM_A, CLIENT_A, bad, "s", "n", null)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, page.statusCode(), bad);
            assertTrue(page.body().contains("Invalid parameter: redirect_uri"), bad);
        }
        // other-client has no browser flow
        HttpResponse<String> other = client.send(
                get(authUrl(REALM_A, OTHER_CLIENT, "http://127.0.0.1:43117/cb", "s", "n", null)),
                HttpResponse.BodyHandlers.ofString());
        assertFalse(other.statusCode() == 200 && other.body().contains("kc-form-login"));
    }

    @Test
    void java21Detection() {
        assertTrue(KeycloakTestResource.Launcher.releaseMajor(KeycloakTestResource.Launcher.findJava21()) >= 21
                || Runtime.version().feature() >= 21);
    }

    private static String authUrl(String realm, String clientId, String redirectUri, String state, String nonce,
            String challenge) {
        String url = KeycloakTestResource.authorizationEndpoint(realm) + "?response_type=code&scope=openid"
                + "&client_id=" + enc(clientId) + "&redirect_uri=" + enc(redirectUri) + "&state=" + enc(state)
                + "&nonce=" + enc(nonce);
        if (challenge != null) {
            url += "&code_challenge=" + challenge + "&code_challenge_method=S256";
        }
        return url;
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build();
    }

    @SuppressWarnings("unchecked")
    private static Collection<String> audience(Map<String, Object> claims) {
        Object aud = claims.get("aud");
        if (aud == null) {
            return List.of();
        }
        return aud instanceof String ? List.of((String) aud) : (Collection<String>) aud;
    }

    private static Map<String, String> queryParams(String rawQuery) {
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            params.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String htmlUnescape(String s) {
        return s.replace("&amp;", "&").replace("&#61;", "=").replace("&quot;", "\"");
    }
}

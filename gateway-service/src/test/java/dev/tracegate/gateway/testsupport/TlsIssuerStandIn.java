package dev.tracegate.gateway.testsupport;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;

import dev.tracegate.testsupport.LoopbackCertificate;

/**
 * An OIDC issuer that only speaks HTTPS, with a certificate of its own CA (made with the JDK's keytool for
 * 127.0.0.1), for the tenants' {@code issuerCAPath}. It serves the OpenID metadata and JWKS a gateway reads, signs
 * tokens with its RSA key, and redeems the codes of {@link #signIn(String)}; like Dex it advertises no
 * {@code end_session_endpoint}. Config: {@code tls-issuer.url} and {@code tls-issuer.ca} (the PEM of its certificate).
 */
public class TlsIssuerStandIn implements QuarkusTestResourceLifecycleManager {

    private static final String KEY_ID = "tls-issuer-key";
    private static String url;
    private static KeyPair signingKey;
    private static final String USER = "tia@example.com";
    /** Authorization codes handed out and not yet redeemed. */
    private static final Map<String, JsonObject> CODES = new java.util.concurrent.ConcurrentHashMap<>();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        try {
            LoopbackCertificate certificate = LoopbackCertificate.create(Path.of("target", "tls-issuer"), "issuer");
            signingKey = rsaKeyPair();
            vertx = Vertx.vertx();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                    .setKeyCertOptions(new PfxOptions().setPath(certificate.keystore().toString())
                            .setPassword(certificate.password())));
            server.requestHandler(request -> {
                String base = url;
                switch (request.path()) {
                    case "/.well-known/openid-configuration" -> request.response()
                            .putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("issuer", base).put("jwks_uri", base + "/jwks")
                                    .put("authorization_endpoint", base + "/authorize")
                                    .put("token_endpoint", base + "/token")
                                    .put("response_types_supported", new JsonArray().add("code"))
                                    .put("subject_types_supported", new JsonArray().add("public"))
                                    .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
                                    .encode());
                    case "/jwks" -> request.response().putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("keys", new JsonArray().add(jwk())).encode());
                    case "/token" -> request.body().onSuccess(body -> request.response()
                            .putHeader("Content-Type", "application/json").end(tokenResponse(body.toString())));
                    default -> request.response().setStatusCode(404).end();
                }
            });
            int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS).actualPort();
            url = "https://127.0.0.1:" + port;
            return Map.of("tls-issuer.url", url, "tls-issuer.ca", certificate.certificatePem().toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTPS issuer stand-in", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    /** An access token of this issuer: RS256, {@code aud}, {@code email}, {@code groups}, valid five minutes. */
    public static String token(String audience, String email, Set<String> groups) {
        return Jwt.issuer(url).audience(audience).subject(email).claim("email", email).groups(groups)
                .expiresIn(300).jws().keyId(KEY_ID).sign(signingKey.getPrivate());
    }

    /**
     * The same, with {@code groups} as given: a single string, a list with other things in it (signed with jose4j:
     * smallrye-jwt's builder takes only strings there).
     */
    public static String tokenWithGroupsClaim(String audience, String email, Object groups) {
        return signed(audience, email, Map.of("groups", groups));
    }

    /** A token of this issuer with these claims besides {@code iss}, {@code aud}, {@code sub}, {@code email}. */
    public static String signed(String audience, String email, Map<String, Object> more) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(url);
        claims.setAudience(audience);
        claims.setSubject(email);
        claims.setClaim("email", email);
        more.forEach(claims::setClaim);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey.getPrivate());
        jws.setKeyIdHeaderValue(KEY_ID);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The user {@code tia@example.com} (group {@code readers}) signs in at this issuer: what its authorization
     * endpoint would answer to the browser, done in-process. Answers the redirect back to the client (code and state).
     */
    public static String signIn(String authorizeUrl) {
        io.vertx.core.MultiMap query = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
        new io.netty.handler.codec.http.QueryStringDecoder(authorizeUrl).parameters()
                .forEach((name, values) -> query.add(name, values.get(0)));
        String code = java.util.UUID.randomUUID().toString();
        CODES.put(code, new JsonObject().put("nonce", query.get("nonce")).put("client_id", query.get("client_id")));
        return query.get("redirect_uri") + "?code=" + code + "&state=" + query.get("state");
    }

    /** The token endpoint: an ID token (with the authorization request's nonce) and an access token for the code. */
    private static String tokenResponse(String form) {
        String code = new io.netty.handler.codec.http.QueryStringDecoder(form, false).parameters()
                .getOrDefault("code", List.of("")).get(0);
        JsonObject grant = CODES.remove(code);
        if (grant == null) {
            return new JsonObject().put("error", "invalid_grant").encode();
        }
        String clientId = grant.getString("client_id");
        String idToken = Jwt.issuer(url).audience(clientId).subject(USER).claim("email", USER)
                .claim("nonce", grant.getString("nonce")).groups(Set.of("readers")).expiresIn(300)
                .jws().keyId(KEY_ID).sign(signingKey.getPrivate());
        return new JsonObject().put("access_token", token(clientId, USER, Set.of("readers"))).put("id_token", idToken)
                .put("token_type", "Bearer").put("expires_in", 300).encode();
    }

    private static JsonObject jwk() {
        RSAPublicKey key = (RSAPublicKey) signingKey.getPublic();
        return new JsonObject().put("kty", "RSA").put("kid", KEY_ID).put("use", "sig").put("alg", "RS256")
                .put("n", base64Url(key.getModulus())).put("e", base64Url(key.getPublicExponent()));
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair rsaKeyPair() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}

package dev.tracegate.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
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

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;

/**
 * An OIDC issuer that only speaks HTTPS, with a certificate of its own CA (made with the JDK's keytool for
 * 127.0.0.1), for the tenants' {@code issuerCAPath}. It serves the OpenID metadata and JWKS a gateway reads, and signs
 * tokens with its RSA key. Config: {@code tls-issuer.url} and {@code tls-issuer.ca} (the PEM of its certificate).
 */
public class TlsIssuerStandIn implements QuarkusTestResourceLifecycleManager {

    private static final String KEY_ID = "tls-issuer-key";
    private static String url;
    private static KeyPair signingKey;

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "tls-issuer"));
            Path keystore = dir.resolve("issuer.p12");
            Path ca = dir.resolve("issuer-ca.pem");
            Files.deleteIfExists(keystore);
            keytool("-genkeypair", "-alias", "issuer", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit");
            Files.writeString(ca, keytool("-exportcert", "-rfc", "-alias", "issuer", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit"));
            signingKey = rsaKeyPair();
            vertx = Vertx.vertx();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                    .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword("changeit")));
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
                    default -> request.response().setStatusCode(404).end();
                }
            });
            int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS).actualPort();
            url = "https://127.0.0.1:" + port;
            return Map.of("tls-issuer.url", url, "tls-issuer.ca", ca.toAbsolutePath().toString());
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

    private static String keytool(String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

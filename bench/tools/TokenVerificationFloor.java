import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.oidc.runtime.OidcProvider;
import io.quarkus.security.credential.TokenCredential;

/**
 * bench/verify-floor.sh: what verifying a token no cache holds costs the gateway's JVM, one thread, warm, against
 * the floor any verifier in that JVM pays: the RS256 signature check alone (the JDK's {@code Signature}). It says how
 * far owning the verification could go (one parse instead of four) before the RSA check and the request itself are
 * all that is left; bench/README.md, "Thirtieth round", reads it beside the tokens case.
 * <p>
 * "quarkus-oidc" repeats {@code auth.DirectTokenVerifier}'s work: {@code OidcProvider.verifyJwtToken} (jose4j parses
 * header and claims, checks signature, {@code iss}, {@code aud}, {@code exp}; quarkus-oidc decodes the claims once
 * more), then the claims parsed for the principal. Tokens are Keycloak-shaped (about 1.1 KB) and distinct, as in
 * the tokens case; a CPU's caches are warmer here than under load, so both numbers are lower than a request's share.
 */
public final class TokenVerificationFloor {

    private static final String ISSUER = "https://issuer.example/realms/bench";
    private static final int TOKENS = 4_000;
    private static final int ROUNDS = 10;

    public static void main(String[] args) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        OidcProvider provider = new OidcProvider(publicKey, OidcTenantConfig.builder().tenantId("bench")
                .publicKey(publicKey).token().issuer(ISSUER).audience(List.of("tempo")).end().build());
        String[] tokens = new String[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            tokens[i] = token(keys, i);
        }
        System.out.printf("%d distinct RS256 tokens of %d characters; microseconds per token, round by round%n",
                TOKENS, tokens[0].length());
        for (int round = 1; round <= ROUNDS; round++) {
            long start = System.nanoTime();
            for (String token : tokens) {
                provider.verifyJwtToken(token, false, false, null);
                new OidcJwtCallerPrincipal(JwtClaims.parse(claimsJson(token)), new TokenCredential(token, "bearer"),
                        null);
            }
            long quarkusOidc = System.nanoTime() - start;
            start = System.nanoTime();
            for (String token : tokens) {
                if (!signatureHolds(token, keys.getPublic())) {
                    throw new IllegalStateException("a good signature did not verify");
                }
            }
            long signatureOnly = System.nanoTime() - start;
            System.out.printf("round %2d: quarkus-oidc %6.1f, the signature alone %6.1f%n", round,
                    quarkusOidc / 1e3 / TOKENS, signatureOnly / 1e3 / TOKENS);
        }
    }

    private static String token(KeyPair keys, int n) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("tempo");
        claims.setSubject(UUID.randomUUID().toString());
        claims.setExpirationTime(NumericDate.fromSeconds(now + 3600));
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("typ", "Bearer");
        claims.setClaim("azp", "grafana");
        claims.setClaim("sid", UUID.randomUUID().toString());
        claims.setClaim("scope", "openid profile email");
        claims.setClaim("email", "user" + n + "@example.com");
        claims.setClaim("email_verified", true);
        claims.setClaim("preferred_username", "user" + n);
        claims.setClaim("groups", List.of("tempo-readers", "team-a", "team-b"));
        claims.setClaim("realm_access", Map.of("roles", List.of("offline_access", "uma_authorization")));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setAlgorithmHeaderValue("RS256");
        jws.setKeyIdHeaderValue("bench");
        jws.setHeader("typ", "JWT");
        return jws.getCompactSerialization();
    }

    private static String claimsJson(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        return new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)), StandardCharsets.UTF_8);
    }

    private static boolean signatureHolds(String token, PublicKey key) throws Exception {
        int signed = token.lastIndexOf('.');
        Signature check = Signature.getInstance("SHA256withRSA");
        check.initVerify(key);
        check.update(token.substring(0, signed).getBytes(StandardCharsets.US_ASCII));
        return check.verify(Base64.getUrlDecoder().decode(token.substring(signed + 1)));
    }
}

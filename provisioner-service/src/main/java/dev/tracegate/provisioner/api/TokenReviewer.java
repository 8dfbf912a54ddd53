package dev.tracegate.provisioner.api;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the API server who a bearer token belongs to (TokenReview). Accepted tokens are remembered for a short
 * while under a hash of the token, so that a gateway that polls does not cost a review per request; refused
 * ones are not, so that a token that becomes valid is accepted at once. Blocking: call it on a worker thread.
 */
@ApplicationScoped
public class TokenReviewer {
    private static final int MAX_REMEMBERED = 1000;

    private final KubernetesClient client;
    private final List<String> audiences;
    private final Duration remember;
    private final Map<String, Remembered> accepted = new ConcurrentHashMap<>();

    public TokenReviewer(KubernetesClient client, ProvisionerConfig config) {
        this.client = client;
        this.audiences = config.api().tokenAudiences().orElse(List.of());
        this.remember = config.api().tokenReviewCache();
    }

    private record Remembered(String username, long until) {
    }

    public Caller review(String token) {
        String hash = hash(token);
        long now = System.nanoTime();
        Remembered known = accepted.get(hash);
        if (known != null && now - known.until() < 0) {
            return new Caller(true, known.username());
        }
        TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(audiences).endSpec().build();
        TokenReviewStatus status = client.authentication().v1().tokenReviews().create(review).getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            accepted.remove(hash);
            return Caller.ANONYMOUS;
        }
        if (!audiences.isEmpty() && (status.getAudiences() == null || status.getAudiences().stream().noneMatch(audiences::contains))) {
            return Caller.ANONYMOUS;
        }
        if (accepted.size() >= MAX_REMEMBERED) {
            accepted.entrySet().removeIf(e -> now - e.getValue().until() >= 0);
            if (accepted.size() >= MAX_REMEMBERED) {
                accepted.clear();
            }
        }
        accepted.put(hash, new Remembered(status.getUser().getUsername(), now + remember.toNanos()));
        return new Caller(true, status.getUser().getUsername());
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

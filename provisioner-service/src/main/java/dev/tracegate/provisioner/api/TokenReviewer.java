package dev.tracegate.provisioner.api;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.micrometer.core.instrument.MeterRegistry;
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
 * Asks the API server who a bearer token belongs to (TokenReview). Verdicts are remembered under a hash of the
 * token: accepted ones for {@code api.token-review-cache}, so that a gateway that polls does not cost a review
 * per request, refused ones for the shorter {@code api.token-refusal-cache}, so that repeating a bad token costs
 * nothing either. Reviews that do reach the API server are limited per client address
 * ({@code api.token-reviews-per-minute}). Blocking: call it on a worker thread, which a review holds for at most
 * {@code api.token-review-timeout} (one try); one that fails or times out throws, and its verdict is not remembered.
 */
@ApplicationScoped
public class TokenReviewer {
    private static final int MAX_REMEMBERED = 1000;

    private final KubernetesClient client;
    private final List<String> audiences;
    private final Duration remember;
    private final Duration rememberRefusal;
    private final TokenReviewLimiter limiter;
    private final MeterRegistry meters;
    private final Map<String, Remembered> verdicts = new ConcurrentHashMap<>();

    public TokenReviewer(KubernetesClient client, ProvisionerConfig config, MeterRegistry meters) {
        this.client = withDeadline(client, config.api().tokenReviewTimeout());
        this.audiences = config.api().tokenAudiences().orElse(List.of());
        this.remember = config.api().tokenReviewCache();
        this.rememberRefusal = config.api().tokenRefusalCache();
        this.limiter = new TokenReviewLimiter(config.api().tokenReviewsPerMinute());
        this.meters = meters;
    }

    /** A verdict: the caller's user name, or null for a refused token. */
    private record Remembered(String username, long until) {
    }

    /** Too many reviews from one client: answer 429 without asking the API server. */
    public static final class TooManyReviews extends RuntimeException {
        final long retryAfterSeconds;

        TooManyReviews(long retryAfterSeconds) {
            super("too many token reviews from one client", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /** @param client the caller's address, for the per-client limit */
    public Caller review(String token, String client) {
        String hash = hash(token);
        long now = System.nanoTime();
        Remembered known = verdicts.get(hash);
        if (known != null && now - known.until() < 0) {
            return known.username() == null ? Caller.ANONYMOUS : new Caller(true, known.username());
        }
        if (!limiter.tryAcquire(client)) {
            meters.counter("tracegate.provisioner.token.reviews", "result", "limited").increment();
            throw new TooManyReviews(limiter.secondsUntilNextWindow(client));
        }
        TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(audiences).endSpec().build();
        TokenReviewStatus status;
        try {
            status = this.client.authentication().v1().tokenReviews().create(review).getStatus();
        } catch (RuntimeException e) {
            // No verdict (the API server failed or did not answer in time): counted apart, remembered as nothing.
            meters.counter("tracegate.provisioner.token.reviews", "result", "failed").increment();
            throw e;
        }
        boolean accepted = status != null && Boolean.TRUE.equals(status.getAuthenticated()) && status.getUser() != null
                && (audiences.isEmpty() || status.getAudiences() != null && status.getAudiences().stream().anyMatch(audiences::contains));
        meters.counter("tracegate.provisioner.token.reviews", "result", accepted ? "accepted" : "refused").increment();
        if (verdicts.size() >= MAX_REMEMBERED) {
            verdicts.entrySet().removeIf(e -> now - e.getValue().until() >= 0);
            if (verdicts.size() >= MAX_REMEMBERED) {
                verdicts.clear();
            }
        }
        if (!accepted) {
            verdicts.put(hash, new Remembered(null, now + rememberRefusal.toNanos()));
            return Caller.ANONYMOUS;
        }
        verdicts.put(hash, new Remembered(status.getUser().getUsername(), now + remember.toNanos()));
        return new Caller(true, status.getUser().getUsername());
    }

    /**
     * The same client (its HTTP connections, credentials and interceptors) with one try of at most {@code timeout}
     * per review, in place of its defaults for every call: 10 s a try, and a refused connection or a 5xx answer
     * retried up to 10 times with backoff, which would hold a poll and its worker thread from 10 s to minutes while
     * the API server is down or overloaded. fabric8 hands the timeout to Vert.x as both the connect and the idle
     * timeout of the request: an API server that answers nothing, or cannot be reached, fails the review after it.
     */
    private static KubernetesClient withDeadline(KubernetesClient client, Duration timeout) {
        RequestConfig oneTry = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestTimeout((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
                .withRequestRetryBackoffLimit(0)
                .build();
        return client.newClient(oneTry).adapt(KubernetesClient.class);
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

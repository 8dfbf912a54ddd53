package dev.tracegate.provisioner.api;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.gatewayconfig.ConfigChangeSignals;
import dev.tracegate.provisioner.gatewayconfig.ConfigRepresentations;
import dev.tracegate.provisioner.gatewayconfig.ConfigResolution;
import dev.tracegate.provisioner.gatewayconfig.PublishedConfigs;
import dev.tracegate.provisioner.reconcile.GatewayWatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Serves each gateway its resolved tenants: {@code GET /api/v1/gateways/{namespace}/{name}/config}, JSON or
 * YAML, with an ETag; {@code If-None-Match} answers 304, and {@code ?wait=30s} holds the request (without a
 * thread) until the configuration changes or the time is up. Only the service account that the TempoGateway
 * names may read it: the body holds client secrets.
 */
@Path("/api/v1/gateways")
public class GatewayConfigResource {
    private static final Logger LOG = Logger.getLogger(GatewayConfigResource.class);

    /** Response header: true when the document served is the last good one, not what the TempoGateway asks for now. */
    public static final String STALE = "Tracegate-Config-Stale";

    private static final long ONE_MILLISECOND = 1_000_000;

    private final GatewayWatch watch;
    private final ConfigChangeSignals signals;
    private final PublishedConfigs configs;
    private final TokenReviewer tokenReviewer;
    private final MeterRegistry meters;
    private final Duration maxWait;
    private final Duration tokenReviewTimeout;

    public GatewayConfigResource(GatewayWatch watch, ConfigChangeSignals signals, PublishedConfigs configs,
                                 TokenReviewer tokenReviewer, MeterRegistry meters, ProvisionerConfig config) {
        this.watch = watch;
        this.signals = signals;
        this.configs = configs;
        this.tokenReviewer = tokenReviewer;
        this.meters = meters;
        this.maxWait = config.api().maxWait();
        this.tokenReviewTimeout = config.api().tokenReviewTimeout();
    }

    @GET
    @Path("/{namespace}/{name}/config")
    public Uni<Response> config(@PathParam("namespace") String namespace, @PathParam("name") String name,
                                @QueryParam("wait") String wait,
                                @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                @HeaderParam("If-None-Match") String ifNoneMatch,
                                @HeaderParam(HttpHeaders.ACCEPT) String accept,
                                @Context HttpServerRequest request) {
        String key = namespace + "/" + name;
        Duration waitFor;
        try {
            waitFor = WaitParameter.parse(wait, maxWait);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(counted(ApiError.response(400, "bad_request", e.getMessage())));
        }
        Optional<String> token = bearerToken(authorization);
        if (token.isEmpty()) {
            return Uni.createFrom().item(counted(ApiError.response(401, "unauthorized", "send the gateway's service account token as Authorization: Bearer")));
        }
        ConfigMediaType type = ConfigMediaType.fromAccept(accept);
        long deadline = System.nanoTime() + waitFor.toNanos();
        // The TokenReview is a blocking call to the API server: a worker thread, never the event loop. It gives up
        // after api.token-review-timeout (TokenReviewer), which frees that thread and answers 503 below.
        String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        return Uni.createFrom().item(() -> tokenReviewer.review(token.get(), client))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToUni(caller -> {
                    if (!caller.authenticated()) {
                        return Uni.createFrom().item(ApiError.response(401, "unauthorized", "the token was not accepted by the Kubernetes TokenReview"));
                    }
                    return answer(key, caller, ifNoneMatch, type, deadline, !waitFor.isZero());
                })
                .onFailure(TokenReviewer.TooManyReviews.class).recoverWithItem(e -> Response.fromResponse(
                        ApiError.response(429, "too_many_requests", "too many token reviews from this client: try again later"))
                        .header("Retry-After", ((TokenReviewer.TooManyReviews) e).retryAfterSeconds).build())
                .onFailure().recoverWithItem(e -> {
                    // Not remembered as a refusal: the next poll asks the API server again.
                    LOG.warnf("Cannot review a caller's token for %s (one try of at most %dms): %s", key, tokenReviewTimeout.toMillis(), e.getMessage());
                    return ApiError.response(503, "token_review_failed", "the provisioner could not verify the token with the Kubernetes API");
                })
                .map(this::counted);
    }

    /** The current answer; when it would be 304 and the caller waits, the next one after a change or the deadline. */
    private Uni<Response> answer(String key, Caller caller, String ifNoneMatch, ConfigMediaType type, long deadline, boolean waiting) {
        Response now = current(key, caller, ifNoneMatch, type);
        long remaining = deadline - System.nanoTime();
        // Timers count whole milliseconds (on an event loop, Mutiny's are Vert.x timers, which refuse less than one):
        // the wait is rounded up to them, and a wait that ends within a millisecond has ended.
        if (now.getStatus() != 304 || !waiting || remaining < ONE_MILLISECOND) {
            return Uni.createFrom().item(now);
        }
        // Only an authorized caller of an existing gateway gets here (a 304): only it is held. The waiter is taken
        // before reading again, so that a change between that read and the wait still wakes it.
        CompletableFuture<Void> change = signals.nextChange(key);
        Response again = current(key, caller, ifNoneMatch, type);
        if (again.getStatus() != 304) {
            signals.stopWaiting(key, change);
            return Uni.createFrom().item(again);
        }
        return Uni.createFrom().completionStage(change)
                .ifNoItem().after(Duration.ofMillis((remaining + ONE_MILLISECOND - 1) / ONE_MILLISECOND)).recoverWithItem((Void) null)
                // Woken, timed out, or the client went away: the waiter goes with it.
                .onTermination().invoke(() -> signals.stopWaiting(key, change))
                .onItem().transformToUni(ignored -> answer(key, caller, ifNoneMatch, type, deadline, true));
    }

    private Response current(String key, Caller caller, String ifNoneMatch, ConfigMediaType type) {
        if (!watch.hasSynced()) {
            return ApiError.response(503, "starting", "the provisioner has not read the cluster's TempoGateways yet");
        }
        // One answer for "no such TempoGateway" and "not yours": any service account of the cluster can call, and
        // only the one a TempoGateway names may learn that it exists. The log says which it was.
        Optional<TempoGateway> found = watch.gateway(key);
        Optional<String> allowed = found.flatMap(GatewayConfigResource::allowedUser);
        if (allowed.isEmpty() || !allowed.get().equals(caller.username())) {
            LOG.debugf("Refused config of %s to %s: %s", key, caller.username(), found.isEmpty() ? "no such TempoGateway"
                    : allowed.isEmpty() ? "it names no service account" : "not its service account");
            return ApiError.response(403, "forbidden", caller.username() + " may not read TempoGateway " + key
                    + ": there is none, or its spec.gateway.serviceAccount names another service account");
        }
        PublishedConfigs.Answer answer = configs.current(key);
        if (answer.published().isEmpty()) {
            return problem(answer.problem());
        }
        ConfigResolution.Resolved resolved = answer.published().get();
        // The inputs give no publishable document (the TempoGateway's status says why): the last one keeps serving.
        String stale = Boolean.toString(answer.stale());
        if (EntityTags.matches(ifNoneMatch, resolved.etag())) {
            // A 304 carries the Cache-Control and Vary its 200 would (RFC 9110 §15.4.5).
            return Response.notModified().tag(unquoted(resolved.etag())).header(STALE, stale)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                    .build();
        }
        byte[] body = type == ConfigMediaType.YAML ? ConfigRepresentations.yaml(resolved.document()) : resolved.json();
        return Response.ok(body, type.contentType)
                .header(HttpHeaders.ETAG, resolved.etag())
                .header(STALE, stale)
                // Client secrets: no cache on the way may keep a copy.
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                .build();
    }

    private static Response problem(ConfigResolution problem) {
        if (problem instanceof ConfigResolution.Invalid invalid) {
            return ApiError.response(503, "config_invalid", invalid.message());
        }
        if (problem instanceof ConfigResolution.Unresolved unresolved) {
            return ApiError.response(503, "config_unavailable", unresolved.message());
        }
        return ApiError.response(503, "starting", "the configuration of this TempoGateway is not resolved yet");
    }

    private static Optional<String> allowedUser(TempoGateway gateway) {
        GatewaySpec spec = gateway.getSpec().gateway;
        if (spec == null || spec.serviceAccount == null || spec.serviceAccount.name == null) {
            return Optional.empty();
        }
        String namespace = spec.serviceAccount.namespace != null ? spec.serviceAccount.namespace : gateway.getMetadata().getNamespace();
        return Optional.of(Caller.serviceAccountUser(namespace, spec.serviceAccount.name));
    }

    private static Optional<String> bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static String unquoted(String etag) {
        return etag.substring(1, etag.length() - 1);
    }

    private Response counted(Response response) {
        meters.counter("tracegate.provisioner.config.fetches", "status", Integer.toString(response.getStatus())).increment();
        return response;
    }
}

package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.core.Response;

import java.util.function.Supplier;

/**
 * One sync's calls to Grafana: counts each call, and turns "Grafana is unusable" (connection error, 5xx, 401, or a 403
 * on a call about every datasource) into {@link GrafanaUnavailableException} so the sync stops instead of reporting
 * half its work as done. A 403 on a call about one datasource is that datasource's answer: Grafana's datasource
 * permissions and RBAC scopes ({@code datasources:uid:<uid>}) can refuse one and allow the others.
 */
final class GrafanaHttp {

    static final String REQUESTS_METRIC = "tracegate.provisioner.grafana.requests";

    private final GrafanaDatasourceApi api;
    private final MeterRegistry registry;
    private final SecretScrubber scrubber;

    GrafanaHttp(GrafanaDatasourceApi api, MeterRegistry registry, SecretScrubber scrubber) {
        this.api = api;
        this.registry = registry;
        this.scrubber = scrubber;
    }

    /** What a call is about, which decides whether a 403 refuses the whole sync or one datasource. */
    private enum Concerns {
        /** Every datasource (the list, the org): a 403 there refuses them all. */
        ALL,
        /** One datasource, by uid or name (or the one a create makes): a 403 fails only its tenant. */
        ONE
    }

    GrafanaResponse list() {
        return call("GET", "list", api::list, Concerns.ALL, false);
    }

    GrafanaResponse getByUid(String uid) {
        return call("GET", "uid", () -> api.getByUid(uid), Concerns.ONE, false);
    }

    GrafanaResponse getByName(String name) {
        return call("GET", "name", () -> api.getByName(name), Concerns.ONE, false);
    }

    GrafanaResponse create(JsonNode body) {
        return call("POST", "create", () -> api.create(Json.write(body)), Concerns.ONE, false);
    }

    GrafanaResponse update(String uid, JsonNode body) {
        return call("PUT", "uid", () -> api.update(uid, Json.write(body)), Concerns.ONE, false);
    }

    GrafanaResponse delete(String uid) {
        return call("DELETE", "uid", () -> api.delete(uid), Concerns.ONE, false);
    }

    /**
     * A 5xx here is the datasource's health answer, not Grafana being down; so is no answer in time, which throws
     * as any call's, saying it was the check.
     */
    GrafanaResponse health(String uid) {
        return call("GET", "health", () -> api.health(uid), Concerns.ONE, true);
    }

    GrafanaResponse currentOrg() {
        return call("GET", "org", api::currentOrg, Concerns.ALL, false);
    }

    SecretScrubber scrubber() {
        return scrubber;
    }

    private GrafanaResponse call(String method, String endpoint, Supplier<Response> request, Concerns concerns,
                                 boolean healthCheck) {
        int status;
        String body;
        try (Response response = request.get()) {
            status = response.getStatus();
            body = response.hasEntity() ? response.readEntity(String.class) : null;
        } catch (RuntimeException e) {
            count(method, endpoint, "error");
            String cause = scrubber.scrub(rootMessage(e));
            throw new GrafanaUnavailableException(healthCheck ? "no answer from Grafana's check of the datasource (" + cause + ")"
                    : "cannot reach Grafana (" + method + " " + endpoint + "): " + cause);
        }
        count(method, endpoint, Integer.toString(status));
        GrafanaResponse answer = new GrafanaResponse(status, Json.read(body));
        if (status == 401 || (status == 403 && concerns == Concerns.ALL)) {
            throw new GrafanaUnavailableException("Grafana refused the credentials (" + scrubber.scrub(answer.message())
                    + "): check the service-account token or user/password and its permissions on datasources"
                    + " (and the org id, if one is set)");
        }
        if (status >= 500 && !healthCheck) {
            throw new GrafanaUnavailableException("Grafana answered " + method + " " + endpoint + " with " + scrubber.scrub(answer.message()));
        }
        return answer;
    }

    private void count(String method, String endpoint, String status) {
        Counter.builder(REQUESTS_METRIC)
                .description("Calls to Grafana's HTTP API by method, endpoint group and status ('error': no answer)")
                .tag("method", method)
                .tag("endpoint", endpoint)
                .tag("status", status)
                .register(registry)
                .increment();
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

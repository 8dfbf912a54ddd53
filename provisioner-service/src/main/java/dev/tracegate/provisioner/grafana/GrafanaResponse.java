package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;

/** Grafana's answer: status and parsed body (a missing node when the body was empty or not JSON). */
record GrafanaResponse(int status, JsonNode body) {

    boolean ok() {
        return status >= 200 && status < 300;
    }

    boolean notFound() {
        return status == 404;
    }

    /** Refused to these credentials: for one datasource, its permissions or the role's scopes in Grafana. */
    boolean forbidden() {
        return status == 403;
    }

    boolean conflict() {
        return status == 409;
    }

    /** A 403 about one datasource, said with Grafana's words: they name the permission it wants. */
    String denied(String what) {
        return "Grafana denied the provisioner's credentials " + what + " (" + message() + ")";
    }

    /**
     * Why a call about one datasource failed: a 403 as {@link #denied} says it, any other answer as {@code otherwise}
     * followed by {@link #message}.
     */
    String failure(String what, String otherwise) {
        return forbidden() ? denied(what) : otherwise + message();
    }

    /** Grafana's own explanation ({@code message}), or the status alone. */
    String message() {
        String message = body.path("message").asText("");
        return message.isBlank() ? "HTTP " + status : "HTTP " + status + ": " + message;
    }
}

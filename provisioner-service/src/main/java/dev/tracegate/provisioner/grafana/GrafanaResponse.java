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

    boolean conflict() {
        return status == 409;
    }

    /** Grafana's own explanation ({@code message}), or the status alone. */
    String message() {
        String message = body.path("message").asText("");
        return message.isBlank() ? "HTTP " + status : "HTTP " + status + ": " + message;
    }
}

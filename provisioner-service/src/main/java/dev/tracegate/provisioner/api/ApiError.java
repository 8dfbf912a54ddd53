package dev.tracegate.provisioner.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The short JSON body of every error: {"error": "...", "message": "..."}. Never a token or a secret in it.
 * Registered for reflection: Jackson serialises it from a Response entity, which the native build cannot see.
 */
@RegisterForReflection
public record ApiError(String error, String message) {

    static Response response(int status, String error, String message) {
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, message));
        if (status == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (status == 503) {
            builder.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return builder.build();
    }
}

package dev.tracegate.gateway.http;

/** gRPC status codes for the gateway's own answers, from the HTTP status it would give (grpc/doc/statuscodes.md). */
final class GrpcStatus {

    static final int NOT_FOUND = 5;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;
    static final int DEADLINE_EXCEEDED = 4;
    static final int UNIMPLEMENTED = 12;
    static final int INVALID_ARGUMENT = 3;

    private GrpcStatus() {
    }

    static int of(int httpStatus) {
        return switch (httpStatus) {
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 405 -> UNIMPLEMENTED;
            case 413 -> RESOURCE_EXHAUSTED;
            case 429 -> RESOURCE_EXHAUSTED;
            case 502, 503 -> UNAVAILABLE;
            case 504 -> DEADLINE_EXCEEDED;
            default -> httpStatus >= 500 ? INTERNAL : INVALID_ARGUMENT;
        };
    }
}

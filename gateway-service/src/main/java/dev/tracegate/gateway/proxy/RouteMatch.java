package dev.tracegate.gateway.proxy;

/** The outcome of matching a request path: a {@link ProxyRoute}, or why there is none. */
public interface RouteMatch {

    /** No route: the path is unknown, or the method is not allowed on it. */
    enum Mismatch implements RouteMatch {
        NOT_FOUND,
        METHOD_NOT_ALLOWED
    }
}

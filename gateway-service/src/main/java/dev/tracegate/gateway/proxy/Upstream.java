package dev.tracegate.gateway.proxy;

/** The two Tempo components the gateway forwards to. */
public enum Upstream {
    /** Tempo's query-frontend: the HTTP API Grafana's Tempo datasource speaks. */
    QUERY_FRONTEND,
    /** Tempo's distributor: OTLP/HTTP span ingestion. */
    DISTRIBUTOR,
    /** Tempo's distributor: OTLP gRPC span ingestion (HTTP/2). */
    DISTRIBUTOR_GRPC
}

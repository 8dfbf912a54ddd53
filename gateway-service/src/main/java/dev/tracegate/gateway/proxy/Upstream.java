package dev.tracegate.gateway.proxy;

/** The Tempo components the gateway forwards to, with the names its answers and metrics use for them. */
public enum Upstream {
    /** Tempo's query-frontend: the HTTP API Grafana's Tempo datasource speaks. */
    QUERY_FRONTEND("query-frontend", "Tempo query-frontend", false),
    /** Tempo's distributor: OTLP/HTTP span ingestion. */
    DISTRIBUTOR("distributor", "Tempo distributor", false),
    /** Tempo's distributor: OTLP gRPC span ingestion, HTTP/2 without upgrade ("prior knowledge"). */
    DISTRIBUTOR_GRPC("distributor-grpc", "Tempo distributor", true);

    /** The {@code upstream} tag of the gateway's metrics. */
    final String metricName;
    /** How error messages name it. */
    final String displayName;
    final boolean http2;

    Upstream(String metricName, String displayName, boolean http2) {
        this.metricName = metricName;
        this.displayName = displayName;
        this.http2 = http2;
    }
}

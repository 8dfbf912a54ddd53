package dev.tracegate.provisioner.tempooperator;

/**
 * The Services the Tempo Operator creates for a TempoStack or TempoMonolithic, as URLs reachable in the cluster.
 * Names and ports follow the operator: tempo-NAME-gateway:8080 (both kinds), tempo-NAME-query-frontend:3200 and
 * tempo-NAME-distributor:4318 (TempoStack), tempo-NAME:3200 and :4318 (TempoMonolithic).
 */
public final class OperatorServices {
    public static final int GATEWAY_PORT = 8080;
    public static final int TEMPO_HTTP_PORT = 3200;
    public static final int OTLP_HTTP_PORT = 4318;

    private OperatorServices() {
    }

    public static String gateway(String name, String namespace, boolean tls) {
        return (tls ? "https" : "http") + "://" + host("tempo-" + name + "-gateway", namespace) + ":" + GATEWAY_PORT;
    }

    public static String queryFrontend(TempoResourceKind kind, String name, String namespace) {
        String service = kind == TempoResourceKind.TEMPO_STACK ? "tempo-" + name + "-query-frontend" : "tempo-" + name;
        return "http://" + host(service, namespace) + ":" + TEMPO_HTTP_PORT;
    }

    public static String distributor(TempoResourceKind kind, String name, String namespace) {
        String service = kind == TempoResourceKind.TEMPO_STACK ? "tempo-" + name + "-distributor" : "tempo-" + name;
        return "http://" + host(service, namespace) + ":" + OTLP_HTTP_PORT;
    }

    private static String host(String service, String namespace) {
        return service + "." + namespace + ".svc";
    }
}

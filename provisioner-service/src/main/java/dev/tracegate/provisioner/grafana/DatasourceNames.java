package dev.tracegate.provisioner.grafana;

/**
 * Renders a datasource name from the request's template. Placeholders: {@code {tenant}} (tenantName),
 * {@code {tenantId}}, {@code {gateway}} (the TempoGateway's name) and {@code {namespace}} (its namespace).
 * Unknown text is kept as written.
 */
public final class DatasourceNames {

    /** Used when the template is null or blank. Add {@code {gateway}} when several gateways share one Grafana. */
    public static final String DEFAULT_TEMPLATE = "Tempo ({tenant})";

    private DatasourceNames() {
    }

    public static String render(String template, String owner, DatasourceRequest.Tenant tenant) {
        String t = template == null || template.isBlank() ? DEFAULT_TEMPLATE : template;
        String key = DatasourceOwner.gatewayKey(owner);
        int slash = key.indexOf('/');
        String namespace = slash < 0 ? "" : key.substring(0, slash);
        String gateway = slash < 0 ? key : key.substring(slash + 1);
        return t.replace("{tenantId}", nullToEmpty(tenant.tenantId()))
                .replace("{tenant}", tenant.tenantName())
                .replace("{gateway}", gateway)
                .replace("{namespace}", namespace)
                .replace("{cluster}", DatasourceOwner.cluster(owner))
                .trim();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

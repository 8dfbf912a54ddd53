package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One tenant's datasource as we want it in Grafana. Pure data: {@link DesiredDatasources} builds it,
 * {@link TenantDatasourceSync} applies it.
 *
 * @param tenantName       the tenant
 * @param uid              deterministic uid
 * @param name             rendered name
 * @param url              what Grafana calls
 * @param jsonData         the whole jsonData, markers included (Grafana replaces jsonData whole on PUT)
 * @param secureJsonData   secret values to send; Grafana only answers {@code secureJsonFields}
 * @param healthCheckable  whether Grafana can check it without a signed-in user
 */
public record DesiredDatasource(String tenantName, String uid, String name, String url, ObjectNode jsonData,
                                Map<String, String> secureJsonData, boolean healthCheckable) {

    public static final String TYPE = "tempo";
    public static final String ACCESS = "proxy";
    /**
     * Grafana's own key in jsonData: a datasource's LBAC rules, set only through Grafana's LBAC API. Grafana refuses
     * a datasource created with it and keeps its stored value on every update, so it is neither sent nor compared.
     */
    static final String GRAFANAS_LBAC_RULES = "teamHttpHeaders";
    /** Grafana's secureJsonData key of custom header 1's value: the bearer token, or the X-Scope-OrgID. */
    static final String HEADER_VALUE_1 = "httpHeaderValue1";
    /** Grafana's secureJsonData key of the CA it trusts for the datasource's URL. */
    static final String TLS_CA_CERT = "tlsCACert";
    /** The secrets our datasources may hold ({@link DesiredDatasources}): one no longer wanted is cleared. */
    static final List<String> MANAGED_SECRETS = List.of(HEADER_VALUE_1, TLS_CA_CERT);

    /** The body for {@code POST /api/datasources}. */
    public ObjectNode createBody() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("uid", uid);
        body.put("name", name);
        body.put("type", TYPE);
        body.put("access", ACCESS);
        body.put("url", url);
        body.put("basicAuth", false);
        body.set("jsonData", jsonData.deepCopy());
        ObjectNode secure = body.putObject("secureJsonData");
        secureJsonData.forEach(secure::put);
        return body;
    }

    /**
     * The body for {@code PUT /api/datasources/uid/{uid}}: the whole datasource, since Grafana replaces it,
     * with the version we read and the secrets re-sent. Grafana keeps a stored secret the body leaves out, so one
     * we no longer want (a bearer token after the switch to Forward OAuth Identity, a CA no longer named) is sent
     * empty, which Grafana stores as nothing. {@code isDefault} is kept as found: making a datasource the default
     * is a person's choice, not drift.
     */
    public ObjectNode updateBody(JsonNode current) {
        ObjectNode body = createBody();
        body.put("version", current.path("version").asLong());
        body.put("isDefault", current.path("isDefault").asBoolean(false));
        ObjectNode secure = (ObjectNode) body.get("secureJsonData");
        unwantedSecrets(current).forEach(key -> secure.put(key, ""));
        return body;
    }

    private List<String> unwantedSecrets(JsonNode actual) {
        JsonNode stored = actual.path("secureJsonFields");
        return MANAGED_SECRETS.stream()
                .filter(key -> !secureJsonData.containsKey(key) && stored.path(key).asBoolean(false)).toList();
    }

    /** The fields in which {@code actual} (as Grafana returns it) differs from this; empty when in sync. */
    public List<String> differencesFrom(JsonNode actual) {
        List<String> diff = new ArrayList<>();
        if (!name.equals(actual.path("name").asText())) {
            diff.add("name");
        }
        if (!TYPE.equals(actual.path("type").asText())) {
            diff.add("type");
        }
        if (!ACCESS.equals(actual.path("access").asText())) {
            diff.add("access");
        }
        if (!url.equals(actual.path("url").asText())) {
            diff.add("url");
        }
        if (actual.path("basicAuth").asBoolean(false)) {
            diff.add("basicAuth");
        }
        JsonNode theirs = actual.path("jsonData");
        if (theirs.has(GRAFANAS_LBAC_RULES)) {
            theirs = ((ObjectNode) theirs).deepCopy().without(GRAFANAS_LBAC_RULES);
        }
        if (!Json.sameValue(jsonData, theirs)) {
            diff.add("jsonData");
        }
        JsonNode fields = actual.path("secureJsonFields");
        for (String key : secureJsonData.keySet()) {
            if (!fields.path(key).asBoolean(false)) {
                diff.add("secureJsonFields." + key);
            }
        }
        unwantedSecrets(actual).forEach(key -> diff.add("secureJsonFields." + key + " no longer wanted"));
        return diff;
    }
}

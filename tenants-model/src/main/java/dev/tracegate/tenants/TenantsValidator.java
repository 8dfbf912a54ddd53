package dev.tracegate.tenants;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tracegate.tenants.rbac.Permission;
import dev.tracegate.tenants.rbac.Role;
import dev.tracegate.tenants.rbac.RoleBinding;
import dev.tracegate.tenants.rbac.Subject;
import dev.tracegate.tenants.TenantsDocument.Authentication;
import dev.tracegate.tenants.TenantsDocument.Oidc;

/**
 * Checks a parsed tenants document and names every problem by its field path. Values of secrets never appear in
 * a message. The gateway runs it on every document it loads, the provisioner on every document before it
 * publishes one: both refuse exactly the same documents.
 */
public final class TenantsValidator {

    // The patterns are public so that the TempoGateway CRD states the very same ones (a drift test holds them equal).

    /** Tenant names travel in URLs and cookie names: letters, digits, '-', '_' or '.', at most 63. */
    public static final String TENANT_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$";
    public static final int TENANT_NAME_MAX_LENGTH = 63;
    /** Tempo's rule for tenant ids (X-Scope-OrgID): letters, digits and a few punctuation marks, at most 150. */
    public static final String TENANT_ID_PATTERN = "^[A-Za-z0-9!_.*'()-]{1,150}$";
    public static final int TENANT_ID_MAX_LENGTH = 150;
    /** A host name or IP address (IPv6 in brackets) and an optional numeric port: the host part of the URLs below. */
    private static final String HOST_AND_PORT = "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?";
    /** An http(s) URL with a host name or IP address, an optional numeric port, and an optional path. */
    public static final String HTTP_URL_PATTERN = "^https?://([^\\s/?#@]+@)?" + HOST_AND_PORT + "([/?#]\\S*)?$";
    /**
     * {@link #HTTP_URL_PATTERN} without a user or password: {@link #serverUrlProblem}'s rule as far as a pattern can
     * state it (not the characters Java's URI refuses in a path, such as '|').
     */
    public static final String SERVER_URL_PATTERN = "^https?://" + HOST_AND_PORT + "([/?#]\\S*)?$";

    /**
     * One OAuth scope, RFC 6749 3.3's scope-token: printable ASCII but space (which separates scopes in the
     * request), {@code "} and {@code \}. Spelled as ASCII ranges rather than {@code \S}, which Java, ECMA-262 and
     * the API server's Go regexp each read differently (U+3000, for one); these ranges all three read alike.
     */
    public static final String SCOPE_PATTERN = "^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$";
    /**
     * Not blank: somewhere a character other than ASCII whitespace. Unanchored: it is found, not matched, as a CRD
     * pattern is. Spelled out rather than {@code \S}, which Java, ECMA-262 and the API server's Go regexp each read
     * differently; the validator uses the same pattern, so the two cannot disagree.
     */
    public static final String NOT_BLANK_PATTERN = "[^\\t\\n\\x0B\\f\\r\\x1C-\\x1F ]";

    /** {@link #serverUrlProblem}'s answer for anything but an http(s) URL. */
    public static final String NOT_HTTP_URL = "must be an http(s) URL";

    /**
     * The gateway's quarkus-oidc takes the tenant name as its tenant id, and refuses every request of a tenant whose
     * id is its own default tenant's.
     */
    private static final String QUARKUS_OIDC_DEFAULT_TENANT = "Default";
    /**
     * quarkus-oidc splits a large session cookie into {@code q_session_<tenant>_chunk_<n>}, and takes every cookie
     * that starts with {@code q_session_<tenant>_chunk_} for a piece: tenant {@code a_chunk_1}'s session cookie would
     * be read as, and dropped with, tenant {@code a}'s.
     */
    private static final String SESSION_COOKIE_CHUNK = "_chunk_";

    private static final Pattern TENANT_NAME = Pattern.compile(TENANT_NAME_PATTERN);
    private static final Pattern TENANT_ID = Pattern.compile(TENANT_ID_PATTERN);
    private static final Pattern HTTP_URL = Pattern.compile(HTTP_URL_PATTERN);
    private static final Pattern SCOPE = Pattern.compile(SCOPE_PATTERN);
    private static final Pattern NOT_BLANK = Pattern.compile(NOT_BLANK_PATTERN);

    private final List<String> problems = new ArrayList<>();

    public static void validate(TenantsDocument document) throws InvalidTenantsException {
        TenantsValidator v = new TenantsValidator();
        v.check(document.tenants());
        v.checkUpstream(document.upstream());
        if (!v.problems.isEmpty()) {
            throw new InvalidTenantsException(v.problems);
        }
    }

    private void check(TenantsDocument.Tenants tenants) {
        if (tenants == null) {
            problems.add("tenants: required");
            return;
        }
        if (tenants.mode() != null && !tenants.mode().equals("static")) {
            problems.add("tenants.mode: must be static (got '" + tenants.mode() + "')");
        }
        Set<String> names = new HashSet<>();
        Set<String> ids = new HashSet<>();
        if (tenants.authentication() == null || tenants.authentication().isEmpty()) {
            problems.add("tenants.authentication: at least one tenant is required");
        } else {
            for (int i = 0; i < tenants.authentication().size(); i++) {
                checkTenant("tenants.authentication[" + i + "]", tenants.authentication().get(i), names, ids);
            }
        }
        if (tenants.authorization() == null) {
            problems.add("tenants.authorization: required (roles and roleBindings)");
        } else {
            checkAuthorization(tenants.authorization(), names);
        }
    }

    private void checkUpstream(TenantsDocument.Upstream upstream) {
        if (upstream == null) {
            return;
        }
        checkUpstreamUrl("upstream.queryFrontend", upstream.queryFrontend());
        checkUpstreamUrl("upstream.distributor", upstream.distributor());
    }

    private void checkUpstreamUrl(String at, String url) {
        String problem = url == null ? null : serverUrlProblem(url);
        if (problem != null) {
            problems.add(at + ": " + problem);
        }
    }

    private void checkTenant(String at, Authentication tenant, Set<String> names, Set<String> ids) {
        if (tenant == null) {
            problems.add(at + ": must not be empty");
            return;
        }
        if (isBlank(tenant.tenantName())) {
            problems.add(at + ".tenantName: required");
        } else if (!TENANT_NAME.matcher(tenant.tenantName()).matches()) {
            problems.add(at + ".tenantName: must be letters, digits, '-', '_' or '.' (at most 63)");
        } else if (!names.add(tenant.tenantName())) {
            problems.add(at + ".tenantName: '" + tenant.tenantName() + "' is used by another tenant");
        } else if (tenant.tenantName().equals(QUARKUS_OIDC_DEFAULT_TENANT)) {
            problems.add(at + ".tenantName: 'Default' is taken by quarkus-oidc's own default tenant; choose another"
                    + " name");
        } else if (tenant.tenantName().contains(SESSION_COOKIE_CHUNK)) {
            problems.add(at + ".tenantName: must not contain '_chunk_': quarkus-oidc would take its session cookie"
                    + " for a piece of another tenant's");
        }
        if (isBlank(tenant.tenantId())) {
            problems.add(at + ".tenantId: required");
        } else if (!TENANT_ID.matcher(tenant.tenantId()).matches()) {
            problems.add(at + ".tenantId: must be at most 150 of letters, digits and !-_.*'()");
        } else if (!ids.add(tenant.tenantId())) {
            // Tempo keeps traces by this id: a second tenant of it would read and write the first one's traces.
            problems.add(at + ".tenantId: '" + tenant.tenantId() + "' is the id of another tenant");
        }
        if (tenant.oidc() == null) {
            problems.add(at + ".oidc: required");
        } else {
            checkOidc(at + ".oidc", tenant.oidc(), tenant.tenantName());
        }
    }

    private void checkOidc(String at, Oidc oidc, String tenantName) {
        if (isBlank(oidc.issuerURL())) {
            problems.add(at + ".issuerURL: required");
        } else if (!isHttpUrl(oidc.issuerURL())) {
            problems.add(at + ".issuerURL: must be an http(s) URL");
        }
        if (!isBlank(oidc.redirectURL())) {
            if (!isHttpUrl(oidc.redirectURL())) {
                problems.add(at + ".redirectURL: must be an http(s) URL");
            } else if (!URI.create(oidc.redirectURL()).getPath().equals(TenantsDocument.callbackPath(tenantName))) {
                problems.add(at + ".redirectURL: its path must be " + TenantsDocument.callbackPath(tenantName));
            }
        }
        if (isBlank(oidc.clientID())) {
            problems.add(at + ".clientID: required"
                    + (oidc.secret() != null ? " (oidc.secret is resolved by the provisioner, not by the gateway)" : ""));
        }
        if (oidc.usernameClaim() != null && oidc.usernameClaim().isBlank()) {
            problems.add(at + ".usernameClaim: must not be empty");
        }
        if (oidc.groupClaim() != null && oidc.groupClaim().isBlank()) {
            problems.add(at + ".groupClaim: must not be empty");
        }
        if (oidc.audiences() != null) {
            for (int i = 0; i < oidc.audiences().size(); i++) {
                String audience = oidc.audiences().get(i);
                if (audience == null || !NOT_BLANK.matcher(audience).find()) {
                    problems.add(at + ".audiences[" + i + "]: must not be empty");
                }
            }
        }
        if (oidc.scopes() != null) {
            for (int i = 0; i < oidc.scopes().size(); i++) {
                String scope = oidc.scopes().get(i);
                if (isBlank(scope)) {
                    problems.add(at + ".scopes[" + i + "]: must not be empty");
                } else if (!SCOPE.matcher(scope).matches()) {
                    problems.add(at + ".scopes[" + i + "]: must be one scope of printable ASCII characters other than"
                            + " space, \" and \\ (list each scope as an entry of its own)");
                }
            }
        }
        // issuerCAPath names a file on the gateway's host, which the provisioner cannot see: the gateway checks it
        // when it loads the certificate.
    }

    private void checkAuthorization(TenantsDocument.Authorization authorization, Set<String> tenantNames) {
        Set<String> roleNames = new HashSet<>();
        List<Role> roles = authorization.roles() == null ? List.of() : authorization.roles();
        for (int i = 0; i < roles.size(); i++) {
            String at = "tenants.authorization.roles[" + i + "]";
            Role role = roles.get(i);
            if (role == null) {
                problems.add(at + ": must not be empty");
                continue;
            }
            if (isBlank(role.name())) {
                problems.add(at + ".name: required");
            } else if (!roleNames.add(role.name())) {
                problems.add(at + ".name: '" + role.name() + "' is used by another role");
            }
            requireNonEmpty(at + ".resources", role.resources());
            if (requireNonEmpty(at + ".tenants", role.tenants())) {
                for (int t = 0; t < role.tenants().size(); t++) {
                    if (!tenantNames.contains(role.tenants().get(t))) {
                        problems.add(at + ".tenants[" + t + "]: no tenant named '" + role.tenants().get(t) + "'");
                    }
                }
            }
            if (requireNonEmpty(at + ".permissions", role.permissions())) {
                for (int p = 0; p < role.permissions().size(); p++) {
                    if (Permission.fromWireName(role.permissions().get(p)) == null) {
                        problems.add(at + ".permissions[" + p + "]: must be read or write");
                    }
                }
            }
        }
        List<RoleBinding> bindings = authorization.roleBindings() == null ? List.of() : authorization.roleBindings();
        for (int i = 0; i < bindings.size(); i++) {
            checkBinding("tenants.authorization.roleBindings[" + i + "]", bindings.get(i), roleNames);
        }
    }

    private void checkBinding(String at, RoleBinding binding, Set<String> roleNames) {
        if (binding == null) {
            problems.add(at + ": must not be empty");
            return;
        }
        if (isBlank(binding.name())) {
            problems.add(at + ".name: required");
        }
        if (requireNonEmpty(at + ".roles", binding.roles())) {
            for (int r = 0; r < binding.roles().size(); r++) {
                if (!roleNames.contains(binding.roles().get(r))) {
                    problems.add(at + ".roles[" + r + "]: no role named '" + binding.roles().get(r) + "'");
                }
            }
        }
        if (requireNonEmpty(at + ".subjects", binding.subjects())) {
            for (int s = 0; s < binding.subjects().size(); s++) {
                Subject subject = binding.subjects().get(s);
                String sat = at + ".subjects[" + s + "]";
                if (subject == null || !(Subject.USER.equals(subject.kind()) || Subject.GROUP.equals(subject.kind()))) {
                    problems.add(sat + ".kind: must be user or group");
                } else if (isBlank(subject.name())) {
                    problems.add(sat + ".name: required");
                }
            }
        }
    }

    private boolean requireNonEmpty(String at, List<?> list) {
        if (list == null || list.isEmpty()) {
            problems.add(at + ": at least one is required");
            return false;
        }
        return true;
    }

    /**
     * What is wrong with the URL of a server the gateway calls (Tempo, the provisioner), or {@code null}: the rule of
     * the document's {@code upstream} and of the gateway's own URL settings alike. Either {@link #NOT_HTTP_URL}, or a
     * user or password in it: the gateway sends no credentials taken from a URL, so they would be dropped unseen.
     */
    public static String serverUrlProblem(String url) {
        if (!isHttpUrl(url)) {
            return NOT_HTTP_URL;
        }
        return URI.create(url).getRawUserInfo() != null ? "must not carry a user or password" : null;
    }

    /** Whether the value is an http(s) URL by {@link #HTTP_URL_PATTERN}. */
    private static boolean isHttpUrl(String value) {
        if (!HTTP_URL.matcher(value).matches()) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}

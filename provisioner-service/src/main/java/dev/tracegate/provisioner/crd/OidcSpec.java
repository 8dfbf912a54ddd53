package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tracegate.tenants.TenantsValidator;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A tenant's OIDC settings; the client credentials live in a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OidcSpec {
    @Required
    @Pattern(TenantsValidator.HTTP_URL_PATTERN)
    @JsonProperty("issuerURL")
    @JsonPropertyDescription("Issuer URL; its discovery document is at <issuerURL>/.well-known/openid-configuration.")
    public String issuerURL;

    /** Bounded so that the API server's cost estimate of TenantAuthentication's path rule stays within its budget. */
    public static final int MAX_REDIRECT_URL_LENGTH = 2048;

    @Pattern(TenantsValidator.HTTP_URL_PATTERN)
    @Size(max = MAX_REDIRECT_URL_LENGTH)
    @JsonProperty("redirectURL")
    @JsonPropertyDescription("Callback URL of the browser login, e.g. http://tracegate-gateway:8080/oidc/<tenant>/callback.")
    public String redirectURL;

    @JsonPropertyDescription("Claim that names the user (e.g. email, preferred_username); sub when absent.")
    public String usernameClaim;

    @JsonPropertyDescription("Claim that lists the user's groups (e.g. groups); a dotted name that no claim has is a path through nested objects (e.g. realm_access.roles).")
    public String groupClaim;

    @Required
    @JsonPropertyDescription("Secret in this namespace with keys clientID (required), clientSecret and issuerCAPath.")
    public SecretName secret;

    @JsonPropertyDescription("Audiences accepted in tokens besides the client id (Grafana forwards access tokens issued for other clients).")
    public List<@Pattern(TenantsValidator.NOT_BLANK_PATTERN) String> audiences;

    @JsonPropertyDescription("Scopes the browser sign-in asks the issuer for besides openid (profile and email when absent),"
            + " each one the issuer offers this client: add groups for Dex, whose ID tokens carry groups only when asked."
            + " Bearer tokens are not affected. A scope is printable ASCII but space, \" and \\ (RFC 6749 3.3).")
    public List<@Pattern(TenantsValidator.SCOPE_PATTERN) String> scopes;
}

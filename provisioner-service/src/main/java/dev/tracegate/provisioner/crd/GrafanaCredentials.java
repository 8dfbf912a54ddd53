package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Where Grafana's API credentials are: a token key is tried first, then user and password. Defaults match the
 * Secrets of Grafana's Helm chart (admin-user/admin-password).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GrafanaCredentials {
    public static final String DEFAULT_TOKEN_KEY = "token";
    public static final String DEFAULT_USERNAME_KEY = "admin-user";
    public static final String DEFAULT_PASSWORD_KEY = "admin-password";

    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Secret, in the TempoGateway's namespace.")
    public String name;

    @Default(DEFAULT_TOKEN_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key holding a Grafana service-account token; used when present in the Secret.")
    public String tokenKey;

    @Default(DEFAULT_USERNAME_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key holding a Grafana user name (basic authentication, when there is no token).")
    public String usernameKey;

    @Default(DEFAULT_PASSWORD_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key holding that user's password.")
    public String passwordKey;
}

package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Roles say what may be done to which tenants; bindings give roles to users and groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.roles) || self.roles.all(r, self.roles.exists_one(o, o.name == r.name))",
        message = "roles[].name: must be unique")
// Counted rather than looked up name by name: the API server's cost estimate of a lookup per name is over its budget.
@ValidationRule(value = "!has(self.roleBindings) || self.roleBindings.all(b, has(self.roles) "
        + "&& self.roles.filter(r, r.name in b.roles).size() == b.roles.size())",
        message = "roleBindings[].roles: must name roles of roles, each once")
public class Authorization {
    @Size(max = 128)
    @JsonPropertyDescription("Named sets of permissions on resources of tenants.")
    public List<Role> roles;

    @Size(max = 128)
    @JsonPropertyDescription("Which users and groups hold which roles.")
    public List<RoleBinding> roleBindings;

    /** A named permission set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Role {
        /** Bounded so that the API server's cost estimate of the uniqueness rule stays within its budget. */
        public static final int MAX_NAME_LENGTH = 253;

        @Required
        @Size(max = MAX_NAME_LENGTH)
        @JsonPropertyDescription("Name of the role, referenced by role bindings.")
        public String name;

        @Required
        @Size(min = 1)
        @JsonPropertyDescription("Resources the role covers; traces is the one the gateway knows.")
        public List<String> resources;

        @Required
        @Size(min = 1, max = 64)
        @JsonPropertyDescription("Tenant names the role covers.")
        public List<String> tenants;

        @Required
        @Size(min = 1)
        @JsonPropertyDescription("read (query) and/or write (push).")
        public List<Permission> permissions;
    }

    /** What a role allows. */
    public enum Permission {
        /** Query traces. */
        @JsonProperty("read")
        READ,
        /** Push traces. */
        @JsonProperty("write")
        WRITE
    }

    /** Gives roles to subjects. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RoleBinding {
        @Required
        @JsonPropertyDescription("Name of the binding.")
        public String name;

        @Required
        @Size(min = 1, max = 32)
        @JsonPropertyDescription("Names of the roles given.")
        public List<String> roles;

        @Required
        @Size(min = 1)
        @JsonPropertyDescription("Users and groups that receive the roles.")
        public List<Subject> subjects;
    }

    /** A user or a group, as the tenant's OIDC claims name them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Subject {
        @Required
        @JsonPropertyDescription("user (matched against usernameClaim) or group (against groupClaim).")
        public SubjectKind kind;

        @Required
        @JsonPropertyDescription("The user's or group's name.")
        public String name;
    }

    /** Kinds of subject. */
    public enum SubjectKind {
        /** Matched against the tenant's usernameClaim. */
        @JsonProperty("user")
        USER,
        /** Matched against the tenant's groupClaim. */
        @JsonProperty("group")
        GROUP
    }
}

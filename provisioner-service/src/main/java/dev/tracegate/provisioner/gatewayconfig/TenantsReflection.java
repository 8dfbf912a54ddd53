package dev.tracegate.provisioner.gatewayconfig;

import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.rbac.Role;
import dev.tracegate.tenants.rbac.RoleBinding;
import dev.tracegate.tenants.rbac.Subject;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The tenants document's records are written by a plain ObjectMapper through reflection, which a native executable
 * must be told about; tenants-model knows nothing of Quarkus, so the provisioner registers them here.
 */
@RegisterForReflection(targets = { TenantsDocument.class, TenantsDocument.Tenants.class, TenantsDocument.Authentication.class,
        TenantsDocument.Oidc.class, TenantsDocument.SecretReference.class, TenantsDocument.Authorization.class, TenantsDocument.Upstream.class,
        Role.class, RoleBinding.class, Subject.class })
final class TenantsReflection {
    private TenantsReflection() {
    }
}

package dev.tracegate.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The gateway's packages depend one way: settings ({@code config}) → model ({@code tenant}: tenants and where they
 * come from) → {@code auth} → the data path ({@code proxy}, {@code browser}, {@code http}, {@code health},
 * {@code metrics}); and the shared tenants model knows nothing of either service or of Quarkus.
 */
class GatewayLayersTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tracegate.gateway", "dev.tracegate.tenants");

    @Test
    void packagesDependOneWayFromSettingsToTheDataPath() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("settings").definedBy("dev.tracegate.gateway.config..")
                .layer("model").definedBy("dev.tracegate.gateway.tenant..")
                .layer("auth").definedBy("dev.tracegate.gateway.auth..")
                .layer("data path").definedBy("dev.tracegate.gateway.proxy..", "dev.tracegate.gateway.browser..",
                        "dev.tracegate.gateway.http..", "dev.tracegate.gateway.health..", "dev.tracegate.gateway.metrics..")
                .whereLayer("data path").mayNotBeAccessedByAnyLayer()
                .whereLayer("auth").mayOnlyBeAccessedByLayers("data path")
                .whereLayer("model").mayOnlyBeAccessedByLayers("auth", "data path")
                .whereLayer("settings").mayOnlyBeAccessedByLayers("model", "auth", "data path")
                .check(GATEWAY);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.tracegate.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void theTenantsModelIsPlainJava() {
        noClasses().that().resideInAPackage("dev.tracegate.tenants..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.fabric8..", "io.vertx..",
                        "jakarta..", "dev.tracegate.gateway..", "dev.tracegate.provisioner..")
                .check(GATEWAY);
    }
}

package org.drilldown;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The pipeline's stage order (the README's "Tests" section lists it), checked on the compiled main classes: each stage uses only the stages before it,
 * nothing uses {@code cli}, and no two packages depend on each other. A failure names the class and the
 * dependency (call, field, import of a type) that breaks the order. A new package must be placed in the order
 * here before the test passes.
 */
@AnalyzeClasses(packages = "org.drilldown", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule STAGES_USE_ONLY_EARLIER_STAGES = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer("config")
            .definedBy("org.drilldown.config..")
            .layer("storage")
            .definedBy("org.drilldown.storage..")
            .layer("data")
            .definedBy("org.drilldown.data..")
            .layer("augment")
            .definedBy("org.drilldown.augment..")
            .layer("model")
            .definedBy("org.drilldown.model..")
            .layer("train")
            .definedBy("org.drilldown.train..")
            .layer("metrics")
            .definedBy("org.drilldown.metrics..")
            .layer("sweep")
            .definedBy("org.drilldown.sweep..")
            .layer("report")
            .definedBy("org.drilldown.report..")
            .layer("cli")
            .definedBy("org.drilldown.cli..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("report")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("sweep")
            .mayOnlyBeAccessedByLayers("report", "cli")
            .whereLayer("metrics")
            .mayOnlyBeAccessedByLayers("sweep", "report", "cli")
            .whereLayer("train")
            .mayOnlyBeAccessedByLayers("metrics", "sweep", "report", "cli")
            .whereLayer("model")
            .mayOnlyBeAccessedByLayers("train", "metrics", "sweep", "report", "cli")
            .whereLayer("augment")
            .mayOnlyBeAccessedByLayers("model", "train", "metrics", "sweep", "report", "cli")
            .whereLayer("data")
            .mayOnlyBeAccessedByLayers("augment", "model", "train", "metrics", "sweep", "report", "cli")
            .whereLayer("storage")
            .mayOnlyBeAccessedByLayers("data", "augment", "model", "train", "metrics", "sweep", "report", "cli")
            .whereLayer("config")
            .mayOnlyBeAccessedByLayers(
                    "storage", "data", "augment", "model", "train", "metrics", "sweep", "report", "cli");

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching("org.drilldown.(*)..").should().beFreeOfCycles();
}

package io.punchline;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN.md section 7: the engine has no JavaFX in it, and only the window (io.punchline.ui) uses a UI toolkit. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.punchline");
    }

    @Test
    void nothingOutsideTheUiPackageUsesJavaFxOrControlsFx() {
        noClasses().that().resideOutsideOfPackage("io.punchline.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..")
                .check(classes);
    }

    @Test
    void theEngineAndTheLayersBelowItNeverUseTheUi() {
        noClasses().that().resideOutsideOfPackages("io.punchline.ui..", "io.punchline.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.punchline.ui..")
                .check(classes);
    }

    @Test
    void theCliReachesTheWindowOnlyThroughDesktopMain() {
        noClasses().that().resideInAPackage("io.punchline.cli..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.punchline.ui..")
                        .and(DescribedPredicate.not(HasName.Predicates.name("io.punchline.ui.DesktopMain"))))
                .check(classes);
    }

    @Test
    void theUiUsesTheEngineOnlyThroughItsFacade() {
        noClasses().that().resideInAPackage("io.punchline.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("io.punchline.path..", "io.punchline.nat..",
                        "io.punchline.quic..", "io.punchline.wire..", "tech.kwik.core.server..")
                .check(classes);
    }

    @Test
    void theRelayDoesNotImportPairing() {
        noClasses().that().resideInAPackage("io.punchline.relay..")
                .should().dependOnClassesThat().resideInAPackage("io.punchline.pairing..")
                .check(classes);
    }
}

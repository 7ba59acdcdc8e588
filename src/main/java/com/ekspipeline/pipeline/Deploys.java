package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.constructs.IConstruct;

import java.util.List;
import java.util.Optional;

/** The deploy project of each stage, whatever cluster it deploys to. */
interface Deploys {

    PipelineProject project(Stage stage);

    /** What must exist before a deploy can run (access entries, ingress rules). */
    List<IConstruct> prerequisites();

    /** The alarm that keeps a release out of production while it is in ALARM; empty: none. */
    default Optional<String> productionEntryAlarm() {
        return Optional.empty();
    }
}

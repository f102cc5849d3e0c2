package io.paddock.hdfs;

import java.io.ByteArrayInputStream;
import org.apache.hadoop.conf.Configuration;

/** The Paddock controller's command line, run in this JVM as the launcher would run it. */
final class ControllerCommands {
    private ControllerCommands() {
    }

    /** {@code -formatZK -nonInteractive} for the nameservice {@code conf} describes; the exit code. */
    static int formatZk(Configuration conf) throws Exception {
        return FailoverControllerMain.run(conf, new String[] {"-formatZK", "-nonInteractive"},
                new ByteArrayInputStream(new byte[0]), System.out, System.err);
    }
}

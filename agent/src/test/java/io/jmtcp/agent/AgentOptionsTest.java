package io.jmtcp.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

    @Test
    void commasInsideAValueStayWithIt() {
        assertThat(AgentOptions.parse("device=tap:jmt0,queues=2,ip=198.18.0.2/24"))
                .isEqualTo(Map.of("jmtcp.device", "tap:jmt0,queues=2", "jmtcp.ip", "198.18.0.2/24"));
    }

    @Test
    void acceptsFullKeysConfigFileAndFailfast() {
        assertThat(AgentOptions.parse("jmtcp.engines=2,config=/tmp/j.properties,agent.failfast=true"))
                .containsEntry("jmtcp.engines", "2")
                .containsEntry("jmtcp.config", "/tmp/j.properties")
                .containsEntry("jmtcp.agent.failfast", "true");
    }

    @Test
    void emptyOptionsMeanDefaults() {
        assertThat(AgentOptions.parse(null)).isEmpty();
        assertThat(AgentOptions.parse("")).isEmpty();
    }

    @Test
    void anUnknownFirstKeyIsNamed() {
        assertThatThrownBy(() -> AgentOptions.parse("devcie=loopback"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jmtcp.devcie");
    }
}

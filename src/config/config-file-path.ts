/** The YAML config file the gateway was started from (absent when started from an object). */
export const CONFIG_FILE_PATH = Symbol('CONFIG_FILE_PATH');



pathConst

secretReadFilepath

filesMatchingFilespath"†

/** @biomon/germplasm — genetic resources and germplasm registry (MCPD v2.1 passports, institutions, ex-situ coverage) */
export {};

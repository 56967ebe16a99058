from hflineage.cli import main

main()
